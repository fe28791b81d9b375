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
    # PAKN at the kiosk, the counter and the public /P/ page (kiosk/feedback.py, counter/feedback.py)
    "Góp ý, phản ánh": "Feedback and complaints",
    "Góp ý, phản ánh, kiến nghị": "Feedback, complaints and suggestions",
    "Không cần ghi họ tên, số điện thoại hay thông tin cá nhân nào. Sau khi gửi, bạn nhận phiếu có mã QR: "
    "quét mã để xem câu trả lời của cơ quan.":
        "No name, phone number or other personal details are needed. After sending you get a receipt with a "
        "QR code: scan it to read the office's answer.",
    "Bạn muốn gửi": "You are sending",
    "Về việc": "About",
    "Nội dung phản ánh, kiến nghị": "What you want to tell us",
    "Mã hồ sơ liên quan (nếu có)": "Related dossier code (if any)",
    "Gửi phản ánh, kiến nghị": "Send",
    "Đã tiếp nhận phản ánh, kiến nghị của bạn": "Your feedback has been received",
    "Phản ánh, kiến nghị này đã được gửi rồi; hệ thống không ghi nhận thêm lần nữa.":
        "This feedback was already sent; it has not been recorded a second time.",
    "Mã số": "Number",
    "Tiếp nhận lúc": "Received at",
    "Hạn trả lời": "Answer due by",
    "Nếu không thuộc thẩm quyền, thông báo trước ngày": "If outside our remit, you are told by",
    "Quét mã QR bằng điện thoại để theo dõi, hoặc mở địa chỉ:": "Scan the QR code with a phone to follow it, or open:",
    "Không có máy in phiếu. Hãy ghi lại hoặc chụp mã số và mã tra cứu trên màn hình.":
        "There is no receipt printer. Write down or photograph the number and lookup code on the screen.",
    "Máy in chưa xác nhận đã in phiếu. Nếu chưa nhận được phiếu, hãy ghi lại mã số và mã tra cứu trên màn hình.":
        "The printer has not confirmed the receipt. If you did not get it, write down the number and lookup "
        "code on the screen.",
    "Phiếu tiếp nhận đã được in. Mời bạn nhận phiếu.": "The receipt has been printed. Please take it.",
    "Xem phiếu in": "See the printed receipt",
    "Phiếu tiếp nhận phản ánh, kiến nghị": "Feedback receipt",
    "Máy in đang gặp sự cố, chưa in được phiếu.": "The printer has a problem; the receipt could not be printed.",
    "Phản ánh, kiến nghị của bạn đã được ghi nhận: hãy ghi lại hoặc chụp mã số và mã tra cứu trên màn hình.":
        "Your feedback has been recorded: write down or photograph the number and lookup code on the screen.",
    "Đang in phiếu…": "Printing the receipt…",
    "Tra cứu phản ánh, kiến nghị": "Follow your feedback",
    "Ngày tiếp nhận": "Received on",
    "Trễ hạn": "Late",
    "Trả lời của cơ quan": "The office's answer",
    "Ngày trả lời": "Answered on",
    "Lý do không tiếp nhận xử lý": "Why it is not taken up",
    "Ngày thông báo": "Notified on",
    "Cơ quan sẽ trả lời chậm nhất vào ngày {day}. Vui lòng tra cứu lại sau.":
        "The office will answer by {day} at the latest. Please check again later.",
    "Không tìm thấy phản ánh, kiến nghị với mã và mã tra cứu đã nhập. Vui lòng kiểm tra lại phiếu tiếp nhận.":
        "No feedback was found with that number and lookup code. Please check the receipt.",
    "Phản ánh, kiến nghị": "Feedback and complaints",
    "Được giao cho tôi": "Assigned to me",
    "Ghi nhận phản ánh, kiến nghị": "Record feedback",
    "Chưa trả lời": "Not answered yet",
    "Tất cả": "All",
    "Chỉ những việc được giao cho tôi": "Only those assigned to me",
    "Lọc": "Filter",
    "Kênh": "Channel",
    "Tiếp nhận": "Received",
    "Cán bộ xử lý": "Handled by",
    "Không có phản ánh, kiến nghị nào.": "No feedback.",
    "Ghi nhận phản ánh, kiến nghị của công dân": "Record a citizen's feedback",
    "Không ghi họ tên, số điện thoại hay thông tin cá nhân của công dân. Công dân theo dõi câu trả lời bằng mã QR "
    "trên phiếu tiếp nhận.":
        "Do not write the citizen's name, phone number or other personal details. The citizen follows the "
        "answer with the QR code on the receipt.",
    "Gắn với số đang phục vụ {code}": "Link to the number being served, {code}",
    "Ghi nhận và in phiếu": "Record and print the receipt",
    "Hạn thông báo không tiếp nhận xử lý": "Deadline to say it is not taken up",
    "Hồ sơ liên quan": "Related dossier",
    "Nội dung": "Text",
    "Phiếu tiếp nhận": "Receipt",
    "Giao cho cán bộ": "Assign to officer",
    "Giao xử lý": "Assign",
    "Xác nhận": "Confirm",
    "Hủy": "Cancel",
    "Nội dung trả lời": "Answer",
    "Trả lời": "Answer",
    "Phản ánh, kiến nghị này chưa được giao cho bạn; lãnh đạo giao việc và trả lời.":
        "This feedback is not assigned to you; a supervisor assigns and answers it.",
    "In lại phiếu tiếp nhận": "Print the receipt again",
    "Đã ghi nhận phản ánh, kiến nghị {code} và gửi phiếu tới máy in của quầy {n}.":
        "Feedback {code} recorded; its receipt was sent to counter {n}'s printer.",
    "Đã ghi nhận phản ánh, kiến nghị {code}. Quầy chưa có máy in: hãy đưa công dân mã số và mã tra cứu trên "
    "màn hình.":
        "Feedback {code} recorded. This counter has no printer: give the citizen the number and lookup code "
        "on the screen.",
    "Đã giao phản ánh, kiến nghị {code} cho {name}.": "Feedback {code} assigned to {name}.",
    "Chỉ cán bộ được giao hoặc lãnh đạo mới trả lời được phản ánh, kiến nghị này.":
        "Only the officer it is assigned to or a supervisor can answer this feedback.",
    "Phản ánh, kiến nghị này đã được ghi nhận trước đó.": "This feedback had already been recorded.",
    "Số thứ tự không hợp lệ.": "That queue number is not valid.",
    "Gửi trả lời này? Sau khi gửi, nội dung trả lời không sửa được.":
        "Send this answer? Once sent, it cannot be changed.",
    "Không tiếp nhận xử lý phản ánh, kiến nghị này? Thao tác không hoàn tác được.":
        "Not take up this feedback? This cannot be undone.",
    "Đã gửi trả lời phản ánh, kiến nghị {code}.": "The answer to feedback {code} was sent.",
    "Đã thông báo không tiếp nhận xử lý phản ánh, kiến nghị {code}.": "Feedback {code} marked as not taken up.",
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
    # /P/ at central, a PAKN its site has not sent yet
    "Phản ánh, kiến nghị chưa được điểm tiếp nhận gửi lên máy chủ trung tâm.":
        "The reception point has not sent this feedback to the central server yet.",
}
