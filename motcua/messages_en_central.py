"""English for central's screens: the province dashboard, quarantine and central's dossier actions."""

EN_CENTRAL = {
    # Province dashboard
    "Máy chủ trung tâm tỉnh": "Provincial central server",
    "Hệ thống một cửa của tỉnh": "The province's one-stop system",
    "Các điểm tiếp nhận": "Reception points",
    "Các điểm tiếp nhận của tỉnh": "The province's reception points",
    "Số liệu lúc {time}; tự cập nhật mỗi 30 giây.": "Figures as of {time}; refreshed every 30 seconds.",
    "Điểm tiếp nhận": "Reception point",
    "Số điểm tiếp nhận": "Reception points",
    "trực tuyến": "online",
    "ngoại tuyến": "offline",
    "chưa kết nối": "never connected",
    "Ngoại tuyến": "Offline",
    "Chưa kết nối": "Never connected",
    "Số thứ tự đã phát hôm nay": "Queue numbers issued today",
    "Hồ sơ tiếp nhận hôm nay": "Dossiers received today",
    "Hồ sơ đang quá hạn": "Dossiers overdue now",
    "Sự kiện các điểm chưa gửi": "Events the sites have yet to send",
    "Sự kiện bị cách ly chưa xử lý": "Quarantined events not yet resolved",
    "Điểm có đồng hồ lệch": "Sites whose clock is off",
    "Kết nối": "Link",
    "Đồng bộ lần cuối": "Last sync",
    "Sự kiện chờ gửi": "Events waiting",
    "Số thứ tự hôm nay": "Tickets today",
    "Hồ sơ nhận hôm nay": "Dossiers today",
    "Hồ sơ quá hạn": "Overdue dossiers",
    "Cảnh báo": "Warnings",
    "{n} sự kiện bị cách ly": "{n} quarantined event(s)",
    "Chưa có điểm tiếp nhận nào.": "No reception point yet.",
    "Đồng hồ nhanh {n} phút": "Clock {n} min fast",
    "Đồng hồ chậm {n} phút": "Clock {n} min slow",
    "Đồng hồ nhanh {n} giờ": "Clock {n} h fast",
    "Đồng hồ chậm {n} giờ": "Clock {n} h slow",
    "Đồng hồ nhanh {n} ngày": "Clock {n} days fast",
    "Đồng hồ chậm {n} ngày": "Clock {n} days slow",
    # One site
    "Không tìm thấy điểm tiếp nhận này.": "This reception point was not found.",
    "(so với máy chủ trung tâm). Giờ trên số thứ tự, ngày hẹn và sổ theo dõi của điểm này có thể sai; "
    "hãy kiểm tra đồng hồ máy chủ của điểm.":
        "(compared with the central server). Times on this site's tickets, appointments and log may be wrong; "
        "have the site's server clock checked.",
    "Không có hồ sơ quá hạn.": "No overdue dossier.",
    "Hồ sơ bưu điện đã chuyển, chờ tiếp nhận bàn giao": "Dossiers the post office handed over, awaiting acceptance",
    "Không có hồ sơ chờ bàn giao.": "No dossier awaiting hand-over.",
    "Hồ sơ tiếp nhận gần đây": "Recently received dossiers",
    "Chưa có hồ sơ nào.": "No dossier yet.",
    "Đồng bộ với máy chủ trung tâm": "Sync with the central server",
    "Liên lạc lần cuối": "Last contact",
    "Gửi sự kiện trọn vẹn lần cuối": "Last complete push",
    "Nhận sự kiện lần cuối": "Last pull",
    "Sự kiện chờ gửi (điểm báo)": "Events waiting (as the site reported)",
    "Sự kiện đã nhận": "Events received",
    "Đồng hồ của điểm": "Site's clock",
    "Đúng giờ (lệch dưới 2 phút)": "On time (less than 2 minutes off)",
    "Mã khóa": "Key id",
    "Cấp lúc": "Issued",
    "Dùng lần cuối": "Last used",
    "Đã thu hồi lúc {time}": "Revoked {time}",
    "Đang dùng": "In use",
    "Điểm này chưa có thông tin xác thực.": "This site has no credential yet.",
    # Quarantine
    "Sự kiện bị cách ly": "Quarantined events",
    "{n} chưa xử lý": "{n} unresolved",
    "Một điểm tiếp nhận đã gửi lại sự kiện trùng mã nhưng khác nội dung. Máy chủ trung tâm giữ bản đã lưu; "
    "hãy đối chiếu hai bản, xử lý với điểm tiếp nhận rồi đánh dấu đã xử lý. Dữ liệu cá nhân vẫn được niêm "
    "phong như trong sự kiện.":
        "A reception point sent an event again under the same id with other content. The central server keeps "
        "the copy it stored; compare the two, settle it with the reception point, then mark it resolved. "
        "Personal data stays sealed, as in the event.",
    "Mã sự kiện": "Event id",
    "Nhận lúc": "Received",
    "Khác nhau ở": "Differs in",
    "Tình trạng": "State",
    "Đã xử lý lúc {time}": "Resolved {time}",
    "Chưa xử lý": "Unresolved",
    "Bản máy chủ trung tâm đã lưu": "Stored by the central server",
    "Bản điểm tiếp nhận gửi lại (bị cách ly)": "Sent again by the site (quarantined)",
    "Máy chủ trung tâm không còn sự kiện này.": "The central server no longer has this event.",
    "Đánh dấu đã xử lý": "Mark resolved",
    "Không có sự kiện nào bị cách ly.": "No quarantined event.",
    "Không tìm thấy sự kiện bị cách ly này.": "This quarantined event was not found.",
    "Sự kiện {event} đã được đánh dấu đã xử lý.": "Event {event} is already marked resolved.",
    "Đã đánh dấu sự kiện {event} là đã xử lý.": "Event {event} marked resolved.",
    # Dossiers at central
    "Không tìm thấy hồ sơ này.": "This dossier was not found.",
    "Không có hồ sơ mã “{code}”.": "There is no dossier “{code}”.",
    "Mở hồ sơ": "Open dossier",
    "Thời hạn tính từ": "Deadline counted from",
    "Bưu điện đã chuyển hồ sơ này. Khi ký biên bản giao nhận, thời hạn giải quyết bắt đầu tính "
    "(Quyết định 45/2016/QĐ-TTg, Điều 7).":
        "The post office has handed this dossier over. The processing deadline starts when the hand-over "
        "record is signed (Decision 45/2016/QD-TTg, Art. 7).",
    "Tiếp nhận bàn giao": "Accept hand-over",
    "Đã ghi nhận hồ sơ {code} đã có kết quả; điểm tiếp nhận sẽ nhận được khi đồng bộ.":
        "Dossier {code} recorded as result ready; the reception point gets it at its next sync.",
    "Đã tiếp nhận bàn giao hồ sơ {code}; hẹn trả kết quả mới: {due}.":
        "Hand-over of dossier {code} accepted; new appointment: {due}.",
    "Cơ quan giải quyết đã nhận hồ sơ từ bưu điện; thời hạn bắt đầu tính":
        "The processing agency took the dossier over from the post office; the deadline starts",
    "Hồ sơ {code} không phải hồ sơ bưu điện tiếp nhận và chuyển đến; không có bàn giao để tiếp nhận.":
        "Dossier {code} was not taken in and handed over by a post office; there is no hand-over to accept.",
    "Hồ sơ {code} đã được tiếp nhận bàn giao.": "The hand-over of dossier {code} was already accepted.",
    # Provisioning and enrolment (sync/, flask central, flask sync, flask staff at central)
    "Không có điểm tiếp nhận mã {code}.": "There is no reception point with agency code {code}.",
    "Hãy nhập tên điểm tiếp nhận.": "Enter the reception point's name.",
    "Mã cơ quan {code} đã có điểm tiếp nhận.": "Agency code {code} already has a reception point.",
    "Cơ sở dữ liệu này đã thuộc một điểm tiếp nhận khác; hãy đăng ký trên một cơ sở dữ liệu mới "
    "(flask db upgrade trong thư mục instance mới).":
        "This database already belongs to another reception point; enrol with a new database "
        "(flask db upgrade in a new instance folder).",
    "Máy chủ trung tâm chưa gửi thông tin điểm tiếp nhận; hãy thử lại.":
        "The central server has not sent the reception point's details yet; try again.",
    "Máy chủ trung tâm không nhận thông tin xác thực này (sai hoặc đã thu hồi).":
        "The central server does not accept this credential (wrong or revoked).",
    "Máy chủ trung tâm trả lời không đúng ({error}).": "The central server gave an unexpected answer ({error}).",
    "Điểm tiếp nhận này đã đăng ký với mã khác; thông tin xác thực không khớp.":
        "This reception point is enrolled under another identity; the credential does not match.",
    "Địa chỉ máy chủ trung tâm phải bắt đầu bằng http:// hoặc https://.":
        "The central server's address must start with http:// or https://.",
    "Tài khoản phải được phân công ít nhất một điểm tiếp nhận.":
        "An account must be assigned to at least one reception point.",
    "Ở máy chủ trung tâm, hãy chỉ định điểm tiếp nhận bằng --site MÃ_CƠ_QUAN.":
        "At the central server, name the reception point with --site AGENCY_CODE.",
    "Tài khoản cán bộ do máy chủ trung tâm của tỉnh quản lý; hãy thay đổi tại đó.":
        "Staff accounts are managed by the province's central server; change them there.",
    "Danh mục thủ tục do máy chủ trung tâm của tỉnh quản lý; hãy thay đổi tại đó.":
        "The procedure catalogue is managed by the province's central server; change it there.",
    "Ở máy chủ trung tâm, hãy chỉ định điểm tiếp nhận bằng --site MÃ_CƠ_QUAN hoặc --all-sites.":
        "At the central server, name the reception point with --site AGENCY_CODE, or --all-sites.",
}
