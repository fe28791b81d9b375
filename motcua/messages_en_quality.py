"""English for ratings and feedback (PAKN): the rating screens, the PAKN forms, receipts and pages."""

EN_QUALITY = {
    # domain.ratings
    "Rất hài lòng": "Very satisfied",
    "Hài lòng": "Satisfied",
    "Bình thường": "Neutral",
    "Không hài lòng": "Dissatisfied",
    "Rất không hài lòng": "Very dissatisfied",
    "Chờ lâu": "Long wait",
    "Hướng dẫn chưa rõ ràng": "Unclear guidance",
    "Nghiệp vụ chưa tốt": "Poor competence",
    "Thái độ chưa tốt": "Poor attitude",
    "Phải đi lại nhiều lần": "Had to come back several times",
    "Chi phí ngoài quy định": "Costs beyond the official fees",
    "Cơ sở vật chất chưa tốt": "Poor facilities",
    "Thang đánh giá phải có 3, 4 hoặc 5 mức.": "The rating scale must have 3, 4 or 5 levels.",
    "Mức đánh giá không hợp lệ.": "That rating level is not valid.",
    "Mỗi lượt đánh giá dành cho đúng một lượt phục vụ.": "Each rating is for exactly one service.",
    "Số {code} chưa được phục vụ xong, chưa thể đánh giá.":
        "Number {code} has not been served yet, so it cannot be rated.",
    "Hồ sơ {code} chưa trả kết quả, chưa thể đánh giá.":
        "The result of dossier {code} has not been returned yet, so it cannot be rated.",
    "Lượt phục vụ này đã được đánh giá. Xin cảm ơn!": "This service has already been rated. Thank you!",
    # domain.feedback
    "Phản ánh": "Report",
    "Kiến nghị": "Suggestion",
    "Thái độ, tác phong cán bộ": "Staff attitude and conduct",
    "Chậm trễ, trễ hẹn": "Delays, missed appointments",
    "Thủ tục, giấy tờ": "Procedures and papers",
    "Phí, lệ phí, chi phí": "Fees and costs",
    "Cơ sở vật chất, máy móc": "Facilities and equipment",
    "Đề xuất, góp ý cải tiến": "Ideas for improvement",
    "Nội dung khác": "Other",
    "Ki-ốt tự phục vụ": "Self-service kiosk",
    "Tại quầy": "At the counter",
    "Đã tiếp nhận": "Received",
    "Đang xử lý": "Being handled",
    "Đã trả lời": "Answered",
    "Không tiếp nhận xử lý": "Not taken up",
    "Kênh tiếp nhận không hợp lệ.": "That channel is not valid.",
    "Hãy chọn phản ánh hay kiến nghị.": "Choose a report or a suggestion.",
    "Hãy chọn nội dung phản ánh, kiến nghị.": "Choose what the feedback is about.",
    "Hãy ghi nội dung phản ánh, kiến nghị.": "Write the feedback.",
    "Nội dung dài quá {n} ký tự.": "The text is longer than {n} characters.",
    "Không tìm thấy hồ sơ có mã {code} tại đơn vị này.": "No dossier with code {code} was found at this office.",
    "Phản ánh, kiến nghị {code} đã được xử lý xong.": "Feedback {code} has already been dealt with.",
    "Hãy chọn cán bộ xử lý.": "Choose the officer who will handle it.",
    "Hãy ghi nội dung trả lời.": "Write the answer.",
    "Hãy ghi lý do không tiếp nhận xử lý.": "Write why it is not taken up.",
    # kiosk/rating.py and templates/rating/ (the counter's citizen screen and the kiosk)
    "Đánh giá chất lượng phục vụ": "Rate our service",
    "Đánh giá dịch vụ": "Rate the service",
    "Xin chào ông/bà!": "Welcome!",
    "Sau khi được phục vụ, xin ông/bà vui lòng đánh giá chất lượng phục vụ trên màn hình này.":
        "When you have been served, please rate the service on this screen.",
    "Ông/bà có hài lòng với sự phục vụ?": "Are you satisfied with the service?",
    "Số {code}": "Number {code}",
    "Hồ sơ trả kết quả": "Result handed back",
    "Cán bộ {name}": "Officer {name}",
    "Chạm vào một khuôn mặt. Đánh giá không cần thông tin cá nhân.":
        "Touch a face. Rating asks for no personal data.",
    "Xin ông/bà cho biết vì sao?": "Please tell us why",
    "Chạm vào một lý do, hoặc gửi mà không nêu lý do.": "Touch a reason, or send without one.",
    "← Chọn lại": "← Choose again",
    "Gửi, không nêu lý do": "Send without a reason",
    "Cảm ơn ông/bà đã đánh giá!": "Thank you for your rating!",
    "Ý kiến của ông/bà giúp chúng tôi phục vụ tốt hơn.": "What you tell us helps us serve you better.",
    "← Về màn hình chính": "← Back to the start",
    "Nhập số thứ tự trên phiếu của ông/bà (ví dụ A015), rồi bấm “Tiếp tục”.":
        "Type the number on your ticket (for example A015), then press “Continue”.",
    "Số thứ tự": "Ticket number",
    "Tiếp tục": "Continue",
    "Có giấy tiếp nhận hồ sơ? Đưa mã QR vào máy quét để xem và đánh giá hồ sơ đã trả kết quả.":
        "Have a dossier receipt? Hold its QR code to the scanner to see and rate a dossier whose result "
        "was handed back.",
    "Không có quầy số {n}.": "There is no counter {n}.",
    "Không tìm thấy số {code} trong ngày hôm nay. Vui lòng xem lại số trên phiếu.":
        "Number {code} was not found today. Please check the number on your ticket.",
    "Lượt đánh giá này đã hết thời gian hoặc không hợp lệ. Xin mời đánh giá lại từ đầu.":
        "This rating has expired or is not valid. Please start again.",
}
