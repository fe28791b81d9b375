"""English for what the sync shows: the public tracking page at central, the sync status on the
counter and admin screens, and the clock guard's confirmation."""

EN_SYNC = {
    # Tracking at central: a dossier its reception point has not sent yet
    "Hồ sơ chưa được điểm tiếp nhận gửi lên máy chủ trung tâm.":
        "This dossier has not yet been received from the reception point.",
    "{site} gửi dữ liệu lên máy chủ trung tâm thành công lần gần nhất lúc {time}.":
        "{site} last sent its data to the central server successfully at {time}.",
    "{site} chưa gửi dữ liệu lên máy chủ trung tâm lần nào.":
        "{site} has not sent any data to the central server yet.",
    "Vui lòng tra cứu lại sau.": "Please look again later.",
    # The status line on the staff screens ("Trực tuyến" is in the dossier catalogue: Online)
    "Ngoại tuyến": "Offline",
    "chờ gửi: {n}": "waiting to send: {n}",
    "đồng bộ lần cuối: {time}": "last synced: {time}",
    "chưa đồng bộ lần nào": "never synced",
    # Admin: the link to central, the receipts' QR address
    "Kết nối máy chủ trung tâm": "Link to the central server",
    "Máy chủ trung tâm": "Central server",
    "Lần thử gần nhất": "Last attempt",
    "Lỗi gần nhất": "Last error",
    "Sự kiện máy chủ trung tâm không nhận": "Events the central server did not accept",
    "Điểm tiếp nhận chưa kết nối máy chủ trung tâm và chưa đặt PUBLIC_BASE_URL: mã QR trên giấy tiếp nhận dẫn "
    "về máy chủ này ({url}), chỉ mở được trong mạng nội bộ của cơ quan.":
        "This reception point is not linked to a central server and PUBLIC_BASE_URL is not set: the QR codes on "
        "receipts lead to this server ({url}) and only open on the office's own network.",
    # Admin: the clock guard
    "Đồng hồ máy này đang chậm hơn thời điểm hệ thống đã ghi nhận, nên mọi thao tác (cấp số, tiếp nhận hồ sơ) "
    "đang tạm dừng. Hãy kiểm tra giờ, chỉnh lại đồng hồ máy nếu sai, rồi xác nhận.":
        "This machine's clock is behind a time the system already recorded, so all work (issuing numbers, "
        "receiving dossiers) is paused. Check the time, set the machine's clock right if it is wrong, "
        "then confirm.",
    "Giờ máy này": "This machine's time",
    "Thời điểm muộn nhất đã ghi nhận": "Latest time recorded",
    "Giờ máy chủ trung tâm (theo lần đồng bộ gần nhất)": "Central server's time (as of the last sync)",
    "chưa biết": "not known",
    "Giờ máy này lệch khoảng {n} phút so với máy chủ trung tâm: hãy chỉnh đồng hồ máy trước khi xác nhận.":
        "This machine's time is about {n} minutes off the central server's: set the machine's clock before "
        "confirming.",
    "Giờ máy này đã đúng – xác nhận": "This machine's time is right – confirm",
    "Đã xác nhận giờ hệ thống.": "The system time is confirmed.",
    "Giờ hệ thống đang bình thường; không cần xác nhận.": "The system time is fine; nothing to confirm.",
}
