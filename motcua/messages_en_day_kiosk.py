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
}
