"""English for the Vietnamese source strings shown to people (kiosk, counter, display, errors).

tests/test_i18n.py checks that every string the templates and messages use is here.
"""

from .messages_en_central import EN_CENTRAL
from .messages_en_day_admin import EN_DAY_ADMIN
from .messages_en_day_counter import EN_DAY_COUNTER
from .messages_en_day_english import EN_DAY_ENGLISH
from .messages_en_day_intake import EN_DAY_INTAKE
from .messages_en_day_kiosk import EN_DAY_KIOSK
from .messages_en_day_search import EN_DAY_SEARCH
from .messages_en_day_steps import EN_DAY_STEPS
from .messages_en_dossiers import EN_DOSSIERS
from .messages_en_figures import EN_FIGURES
from .messages_en_printers import EN_PRINTERS
from .messages_en_quality import EN_QUALITY
from .messages_en_reports import EN_REPORTS
from .messages_en_staff import EN_STAFF
from .messages_en_supervisor import EN_SUPERVISOR
from .messages_en_sync import EN_SYNC

EN = {
    # Kiosk
    "Lấy số thứ tự": "Take a queue number",
    "Mời chọn lĩnh vực cần giải quyết": "Choose the field of your request",
    "Đang chờ: {n} người": "Waiting: {n}",
    "Tạm dừng phát số": "Not issuing numbers now",
    "Bạn có thuộc diện được ưu tiên không?": "Are you entitled to priority service?",
    "Không – Lấy số": "No – take a number",
    "Cán bộ tại quầy sẽ xác nhận diện ưu tiên khi phục vụ.": "The officer at the counter will confirm priority.",
    "← Quay lại": "← Back",
    "Số thứ tự của bạn": "Your queue number",
    "Ưu tiên": "Priority",
    "Đang chờ trước bạn": "Waiting ahead of you",
    "{n} người": "{n} people",
    "Thời gian chờ dự kiến": "Estimated wait",
    "khoảng {m} phút": "about {m} min",
    "sắp đến lượt bạn": "you are next",
    "Lấy số lúc": "Issued at",
    "Nơi tiếp nhận": "Reception point",
    "Bạn đã lấy số này rồi; hệ thống không cấp thêm số mới.": "You already took this number; no new number was issued.",
    "Xong": "Done",
    "Kiosk này không có máy in. Vui lòng ghi nhớ số trên màn hình.": "This kiosk has no printer. Please remember the number on screen.",
    "Vé đã được in. Mời bạn nhận vé.": "Your ticket has been printed. Please take it.",
    "Xem vé in": "See the printed ticket",
    "Máy in đang gặp sự cố, chưa in được vé.": "The printer has a problem; the ticket could not be printed yet.",
    "Số của bạn vẫn được giữ: hãy ghi nhớ hoặc chụp lại số trên màn hình và báo nhân viên nếu cần in lại.": "Your number is kept: remember it or take a photo of the screen, and ask staff if you need a reprint.",
    "Đang in vé…": "Printing your ticket…",
    "Lấy số không cần khai báo thông tin cá nhân. Thông tin trong hồ sơ chỉ được dùng để giải quyết thủ tục hành chính, theo Luật Bảo vệ dữ liệu cá nhân.": "Taking a number needs no personal data. Data in your dossier is used only to handle your administrative procedure, under the Personal Data Protection Law.",
    # Display
    "Màn hình gọi số": "Queue display",
    "Mời công dân có số": "Now serving number",
    "đến": "at",
    "Quầy {n}": "Counter {n}",
    "Chưa có số nào được gọi": "No number has been called yet",
    "Số": "Number",
    "Quầy": "Counter",
    "Bấm để bật âm thanh gọi số": "Tap to turn on the announcements",
    # Staff
    "Một cửa": "One-stop shop",
    "Hệ thống Một cửa": "One-stop shop system",
    "Kiosk lấy số": "Ticket kiosk",
    "Quầy tiếp nhận": "Reception counter",
    "Quản trị": "Administration",
    "Đăng nhập cán bộ": "Staff login",
    "Tên đăng nhập": "Username",
    "Mật khẩu": "Password",
    "Đăng nhập": "Log in",
    "Đăng xuất": "Log out",
    "Sai tên đăng nhập hoặc mật khẩu.": "Wrong username or password.",
    "Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau {m} phút.": "Too many failed logins. Please try again in {m} minutes.",
    "Phiên làm việc đã hết hạn do không thao tác. Vui lòng đăng nhập lại.": "Your session expired after inactivity. Please log in again.",
    "Dữ liệu cá nhân của công dân chỉ được xử lý để giải quyết thủ tục hành chính (Luật Bảo vệ dữ liệu cá nhân 2025).": "Citizens' personal data is processed only to handle administrative procedures (Personal Data Protection Law 2025).",
    "Chọn quầy làm việc": "Choose your counter",
    "Đang có người làm việc": "Someone is working here",
    "Gọi số tiếp theo": "Call next",
    "Gọi lại": "Recall",
    "Tạm giữ": "Hold",
    "Vắng mặt": "No-show",
    "Kết thúc": "Finish",
    "In lại vé": "Reprint ticket",
    "Chuyển đến": "Transfer to",
    "Chuyển": "Transfer",
    "Hàng đợi": "Queue",
    "Lấy số lúc {t}": "Issued at {t}",
    "đã gọi {n} lần": "calls: {n}",
    "Quầy chưa phục vụ số nào. Bấm “Gọi số tiếp theo”.": "No one is being served. Press “Call next”.",
    "Đang tạm giữ": "On hold",
    "Tiếp tục phục vụ": "Resume",
    "Rời quầy": "Leave the counter",
    "Danh sách chờ": "Waiting list",
    "Chờ": "Waiting",
    "{m} phút": "{m} min",
    "Chuyển đến quầy": "Sent to this counter",
    "Không có ai đang chờ.": "No one is waiting.",
    "Không có công dân nào đang chờ.": "No citizen is waiting.",
    "Đã chuyển số {code}.": "Number {code} transferred.",
    "Đã gửi lệnh in lại số {code}.": "Reprint of {code} sent to the printer.",
    "Vé in": "Printed ticket",
    "chờ in": "waiting to print",
    "đang in": "printing",
    "đã in": "printed",
    "in lỗi": "failed",
    "đã huỷ": "cancelled",
    # Admin
    "Cấu hình điểm tiếp nhận": "Reception point settings",
    "Mã định danh": "Agency code",
    "Chữ": "Letter",
    "Tên": "Name",
    "Lĩnh vực": "Fields",
    "Trạng thái": "Status",
    "Đang mở": "Open",
    "Tạm dừng": "Paused",
    "Mở lại": "Reopen",
    "Máy in": "Printers",
    "Địa chỉ máy in": "Printer address",
    "Địa chỉ máy in: preview:// (xem trước trên màn hình) hoặc tcp://địa-chỉ:9100?width=576 (384 cho giấy 58 mm, 512 cho Epson TM-T88).": "Printer address: preview:// (on-screen preview) or tcp://host:9100?width=576 (384 for 58 mm paper, 512 for Epson TM-T88).",
    "Lưu": "Save",
    "Diện ưu tiên": "Priority categories",
    "đang dùng": "in use",
    "đã tắt": "off",
    "Tắt": "Turn off",
    "Bật": "Turn on",
    "Lệnh in gần đây": "Recent print jobs",
    "Sự kiện cần xem xét": "Events to review",
    "Những thay đổi nhận được không khớp với trạng thái của hồ sơ hoặc số thứ tự: đã được lưu lại nhưng "
    "chưa áp dụng. Hãy kiểm tra và xử lý.": "Changes received that do not fit the state of the dossier or "
    "ticket: kept, but not applied. Please check them and act.",
    "Sự kiện": "Event",
    "chuyển trạng thái không hợp lệ": "illegal transition",
    "tạo lại một bản ghi đã có": "creates a record that already exists",
    "Thiết bị": "Device",
    "Lần thử": "Attempts",
    "Lỗi": "Error",
    "Hàng đợi {letter} đã {state}.": "Queue {letter} is now {state}.",
    "mở": "open",
    "tạm dừng": "paused",
    "Đã cập nhật diện ưu tiên.": "Priority category updated.",
    "Đã lưu máy in.": "Printer saved.",
    "Quản trị hệ thống": "System administrator",
    "Lãnh đạo, giám sát": "Supervisor",
    "Cán bộ tiếp nhận": "Reception officer",
    "Nhân viên bưu điện": "Postal officer",
    "Trung tâm Phục vụ hành chính công cấp xã": "Commune public administrative service centre",
    "Chi nhánh Trung tâm Phục vụ hành chính công tỉnh": "Branch of the provincial public administrative service centre",
    "Bưu điện văn hóa xã": "Commune cultural post office",
    "Đã lưu.": "Saved.",
    "Tên điểm tiếp nhận": "Reception point name",
    "Cơ quan chủ quản": "Parent agency",
    "Loại": "Kind",
    "Địa chỉ": "Address",
    "Tên hàng đợi mới": "New queue name",
    "Lĩnh vực, cách nhau bởi dấu phẩy": "Fields, separated by commas",
    "Thêm hàng đợi": "Add queue",
    "Quầy và máy in": "Counters and printers",
    "Số quầy": "Counter number",
    "Thêm quầy": "Add counter",
    "Mã kiosk": "Kiosk code",
    "Tên kiosk": "Kiosk name",
    "Thêm kiosk": "Add kiosk",
    "Hãy nhập {label}.": "Please enter the {label}.",
    "{label} dài quá {n} ký tự.": "The {label} is longer than {n} characters.",
    "tên điểm tiếp nhận": "reception point name",
    "tên hàng đợi": "queue name",
    "Mã định danh cơ quan “{code}” không hợp lệ (chữ số, A–Z và dấu chấm, tối đa 35 ký tự).": "Agency code “{code}” is not valid (digits, A–Z and dots, at most 35 characters).",
    "Loại điểm tiếp nhận không hợp lệ.": "Invalid reception point kind.",
    "Chữ cái của hàng đợi phải là một chữ in hoa A–Z.": "A queue's letter must be one capital letter A–Z.",
    "Chữ {letter} đã được dùng cho hàng đợi khác.": "Letter {letter} is already used by another queue.",
    "Hãy chọn ít nhất một hàng đợi cho quầy.": "Choose at least one queue for the counter.",
    "Số quầy phải là một số nguyên dương.": "The counter number must be a positive whole number.",
    "Quầy số {n} đã có.": "Counter {n} already exists.",
    "Mã kiosk chỉ gồm chữ, số và dấu gạch ngang (tối đa 20 ký tự).": "A kiosk code has only letters, digits and hyphens (at most 20).",
    "Mã kiosk {code} đã có.": "Kiosk {code} already exists.",
    # Messages and errors
    "Thông báo": "Notice",
    "Quay lại": "Back",
    "Trang chính": "Home",
    "Yêu cầu không hợp lệ.": "Invalid request.",
    "Bạn không có quyền thực hiện thao tác này.": "You are not allowed to do this.",
    "Không tìm thấy trang hoặc dữ liệu yêu cầu.": "Page or record not found.",
    "Thao tác không được hỗ trợ tại địa chỉ này.": "This action is not supported here.",
    "Tệp gửi lên quá lớn.": "The uploaded file is too large.",
    "Bạn thao tác quá nhanh. Vui lòng thử lại sau ít phút.": "Too many requests. Please try again in a few minutes.",
    "Yêu cầu không thực hiện được.": "The request could not be completed.",
    "Biểu mẫu đã cũ hoặc không hợp lệ. Trang sẽ được tải lại, vui lòng thao tác lại.": "The form is out of date. The page will reload; please try again.",
    "Bộ nhớ của máy chủ đã đầy, chưa lưu được. Không có dữ liệu nào bị mất; vui lòng báo quản trị giải phóng dung lượng.": "The server's storage is full; nothing was saved and nothing was lost. Please ask the administrator to free space.",
    "Hệ thống đang bận, vui lòng thử lại.": "The system is busy, please try again.",
    "Không truy cập được cơ sở dữ liệu. Vui lòng thử lại.": "The database could not be reached. Please try again.",
    "Không lưu được dữ liệu. Vui lòng thử lại.": "The data could not be saved. Please try again.",
    "Đã có lỗi ngoài dự kiến. Thao tác chưa được lưu; vui lòng thử lại.": "An unexpected error occurred. Nothing was saved; please try again.",
    "Máy chủ chưa được cấu hình điểm tiếp nhận. Hãy chạy `flask seed-demo`.": "This server has no reception point configured. Run `flask seed-demo`.",
    "Không tìm thấy dữ liệu yêu cầu (có thể đã bị xoá hoặc đường dẫn sai).": "The requested record was not found (deleted, or a wrong link).",
    "Hàng đợi “{name}” đang tạm dừng phát số.": "Queue “{name}” is not issuing numbers now.",
    "Hàng đợi “{name}” đang tạm dừng.": "Queue “{name}” is paused.",
    "Hàng đợi bạn chọn không còn tồn tại. Vui lòng chọn lại.": "The queue you chose no longer exists. Please choose again.",
    "Diện ưu tiên “{code}” không có trong danh sách. Vui lòng chọn lại.": "Priority category “{code}” is not on the list. Please choose again.",
    "Đồng hồ máy chủ đang chậm hơn thời điểm đã ghi nhận. Vui lòng báo quản trị kiểm tra và xác nhận lại giờ.": "The server clock is behind a time already recorded. Please ask the administrator to check and confirm the time.",
    "Bạn chưa chọn quầy hoặc quầy đã được người khác nhận. Hãy chọn lại quầy.": "You have not chosen a counter, or someone else took it. Please choose a counter.",
    "Hãy kết thúc hoặc chuyển số đang phục vụ trước khi rời quầy.": "Finish or transfer the current number before leaving the counter.",
    "Hãy chọn hàng đợi hoặc quầy để chuyển đến.": "Choose a queue or a counter to transfer to.",
    "Không thể chuyển số về chính quầy đang phục vụ.": "A number cannot be transferred to the counter serving it.",
    "Quầy đang phục vụ số {code}. Hãy kết thúc hoặc tạm giữ số đó trước.": "The counter is serving {code}. Finish it or put it on hold first.",
    "Số {code} không thuộc quầy của bạn.": "Number {code} is not at your counter.",
    "Số {code} {state}, không thể thực hiện thao tác này.": "Number {code} is {state}; this action is not possible.",
    "đang chờ": "waiting",
    "đang được phục vụ": "being served",
    "đang tạm giữ": "on hold",
    "đã kết thúc": "finished",
    "đã đánh dấu vắng mặt": "marked as no-show",
    "Thao tác không hợp lệ.": "Invalid action.",
    "Số {code} chưa từng được in.": "Number {code} was never printed.",
    "Không thể in lại loại phiếu này.": "This kind of slip cannot be reprinted.",
    "Quầy này chưa được cấu hình máy in.": "This counter has no printer configured.",
    "Loại thiết bị không hợp lệ.": "Invalid device type.",
    "Không kết nối được máy in {host}:{port} (máy tắt hoặc sai địa chỉ).": "Cannot connect to printer {host}:{port} (switched off or wrong address).",
    "Máy in {host}:{port} không phản hồi sau {t:g} giây.": "Printer {host}:{port} did not answer within {t:g} s.",
    "Máy in đóng kết nối trước khi xác nhận.": "The printer closed the connection before confirming.",
    "Mất kết nối với máy in {host}:{port}: {err}": "Lost the connection to printer {host}:{port}: {err}",
    "Kiểu kết nối máy in “{s}” chưa được hỗ trợ ở phiên bản này.": "Printer connection type “{s}” is not supported in this version.",
    "Địa chỉ máy in “{url}” không đúng định dạng.": "Printer address “{url}” is not valid.",
    "Địa chỉ máy in “{url}” thiếu tên máy hoặc cổng.": "Printer address “{url}” lacks a host or port.",
    "Độ rộng in “{w}” không hợp lệ (384, 512 hoặc 576).": "Print width “{w}” is not valid (384, 512 or 576).",
    # Staff access (issue 7)
    "Đăng nhập sai nhiều lần. Vui lòng thử lại sau {s} giây.": "Too many failed logins. Please try again in {s} seconds.",
    "Đăng nhập sai nhiều lần. Vui lòng thử lại sau {m} phút.": "Too many failed logins. Please try again in {m} minutes.",
    "Tài khoản này không được phép làm việc tại điểm tiếp nhận này.": "This account may not work at this reception point.",
    "Quầy số {n} đã được {name} tiếp nhận. Bạn không còn làm việc tại quầy này; hãy chọn quầy khác.": "Counter {n} was taken over by {name}. You no longer work at this counter; please choose another.",
    "Quầy số {n} đang do {name} sử dụng. Tiếp nhận quầy?": "Counter {n} is being used by {name}. Take over the counter?",
    "Người đang ở quầy sẽ được báo ở thao tác tiếp theo; việc tiếp nhận được ghi lại.": "The officer there will be told at their next action; the takeover is recorded.",
    "Tiếp nhận quầy": "Take over the counter",
    "Không, chọn quầy khác": "No, choose another counter",
    "Đang do {name} sử dụng": "In use by {name}",
}
EN.update(EN_DOSSIERS)
EN.update(EN_PRINTERS)
EN.update(EN_STAFF)
EN.update(EN_CENTRAL)
EN.update(EN_SYNC)
EN.update(EN_QUALITY)
EN.update(EN_SUPERVISOR)
EN.update(EN_FIGURES)
EN.update(EN_REPORTS)
EN.update(EN_DAY_INTAKE)
EN.update(EN_DAY_STEPS)
EN.update(EN_DAY_SEARCH)
EN.update(EN_DAY_KIOSK)
EN.update(EN_DAY_COUNTER)
EN.update(EN_DAY_ADMIN)
EN.update(EN_DAY_ENGLISH)
EN.update({
    "Kiosk vừa phát rất nhiều số trong ít phút nên tạm dừng một chút. "
    "Vui lòng chờ khoảng một phút rồi lấy số lại, hoặc hỏi nhân viên hướng dẫn.":
        "This kiosk has just issued a great many tickets and is pausing for a moment. "
        "Please wait about a minute and take your ticket again, or ask a member of staff.",
    "Máy in chưa xác nhận đã in vé. Nếu bạn chưa nhận được vé, hãy ghi nhớ số trên màn hình và báo nhân viên.":
        "The printer has not confirmed printing your ticket. If you did not get it, remember the number "
        "on the screen and tell a member of staff.",
})
