"""English for issue 11 (kiosk): opening hours, the tracking page's office, public error pages."""

EN_DAY_KIOSK = {
    # Opening hours (domain/opening_hours.py, templates/kiosk/partials/_closed.html)
    "Chưa đến giờ phát số.": "It is not yet time to issue numbers.",
    "Đang giờ nghỉ trưa, kiosk tạm ngừng phát số.": "It is the lunch break: the kiosk is not issuing numbers.",
    "Đã ngừng phát số trước giờ nghỉ.": "Numbers are no longer issued before the break.",
    "Đã hết giờ làm việc hôm nay.": "Working hours are over for today.",
    "Hôm nay là ngày nghỉ lễ: {name}.": "Today is a public holiday: {name}.",
    "Hôm nay cơ quan nghỉ theo lịch đã thông báo.": "The office is closed today, as announced.",
    "Hôm nay không phải ngày làm việc.": "Today is not a working day.",
    "Sáng {start}–{end}": "Morning {start}–{end}",
    "Chiều {start}–{end}": "Afternoon {start}–{end}",
    "Giờ làm việc: {spans}, thứ Hai đến thứ Sáu.": "Working hours: {spans}, Monday to Friday.",
    "Thứ Bảy: {spans}.": "Saturday: {spans}.",
    "Ngừng phát số trước giờ nghỉ {n} phút.": "Numbers stop {n} minutes before each break.",
    "Vui lòng hỏi nhân viên về ngày làm việc tiếp theo.": "Please ask the staff when the office opens next.",
    "Kiosk phát số trở lại lúc {time} hôm nay.": "The kiosk issues numbers again at {time} today.",
    "Kiosk phát số trở lại lúc {time} ngày mai, {day}.": "The kiosk issues numbers again at {time} tomorrow, {day}.",
    "Kiosk phát số trở lại lúc {time}, {day}.": "The kiosk issues numbers again at {time}, {day}.",
    "thứ Hai": "Monday",
    "thứ Ba": "Tuesday",
    "thứ Tư": "Wednesday",
    "thứ Năm": "Thursday",
    "thứ Sáu": "Friday",
    "thứ Bảy": "Saturday",
    "Chủ nhật": "Sunday",
    "Kiosk đang ngừng phát số thứ tự": "The kiosk is not issuing queue numbers now",
    # The admin's hours form (counter/hours.py)
    "“{text}” không phải khoảng giờ (ví dụ 07:30–11:30).": "“{text}” is not a time span (e.g. 07:30–11:30).",
    "Các khoảng giờ phải theo thứ tự, giờ bắt đầu trước giờ kết thúc và không chồng nhau.":
        "Time spans must be in order, each starting before it ends, and must not overlap.",
    "Hãy nhập giờ làm việc từ thứ Hai đến thứ Sáu.": "Enter the working hours from Monday to Friday.",
    "Số phút ngừng phát số phải từ 0 đến {n}.": "The minutes without numbers must be between 0 and {n}.",
    "Ghi chú khi nhận kết quả": "Note on collecting the result",
    "Số điện thoại “{phone}” không hợp lệ (chữ số, dấu cách, + . - ( )).":
        "The phone number “{phone}” is not valid (digits, spaces, + . - ( )).",
    # The admin's hours screen (templates/admin/hours.html, partials/_hours.html)
    "Giờ làm việc": "Working hours",
    "Giờ làm việc và số điện thoại": "Working hours and phone",
    "Kiosk chỉ phát số trong giờ làm việc của ngày làm việc (theo lịch nghỉ lễ và lịch làm bù trong trang quản trị). Trang tra cứu hồ sơ cho công dân biết giờ làm việc, số điện thoại và những gì cần mang khi nhận kết quả.":
        "The kiosk issues numbers only within working hours on working days (the holidays and make-up days "
        "set on the admin page). The tracking page tells citizens the hours, the phone number and what to "
        "bring to collect a result.",
    "Đã lưu giờ làm việc và số điện thoại.": "Working hours and phone saved.",
    "Thứ Hai đến thứ Sáu": "Monday to Friday",
    "Thứ Bảy": "Saturday",
    "Ngừng phát số trước giờ nghỉ (phút)": "Stop issuing numbers before each break (minutes)",
    "Số điện thoại": "Phone number",
    "Các buổi cách nhau bằng dấu phẩy, ví dụ 07:30–11:30, 13:30–17:00":
        "Sessions separated by commas, e.g. 07:30–11:30, 13:30–17:00",
    "Để trống nếu không làm việc thứ Bảy (ngày làm bù dùng giờ thứ Hai đến thứ Sáu)":
        "Leave empty if closed on Saturdays (make-up days use the Monday-to-Friday hours)",
    "Ngoài giấy tiếp nhận và giấy tờ tùy thân, ví dụ: mang theo lệ phí còn thiếu":
        "Besides the receipt and an ID, e.g.: bring any fee still due",
    # The tracking page's office (templates/tracking/partials/_result.html)
    "Nơi nhận kết quả": "Where to collect the result",
    "Khi đến nhận kết quả, hãy mang theo": "When you come to collect the result, bring",
    "Giấy tiếp nhận hồ sơ và hẹn trả kết quả;": "The receipt and appointment slip;",
    "Căn cước (CCCD) hoặc giấy tờ tùy thân có ảnh của người nộp hồ sơ;":
        "The applicant's citizen ID card (CCCD) or another photo ID;",
    "Nếu nhận thay: giấy ủy quyền (hoặc văn bản chứng minh quyền nhận thay) và căn cước của người nhận thay.":
        "If someone else collects it: an authorisation (or a paper showing their right to collect) and "
        "their own ID card.",
    # Public error pages (motcua/errors.py)
    "Về bảng hiển thị": "Back to the board",
    "Về màn hình lấy số": "Back to the kiosk",
}
