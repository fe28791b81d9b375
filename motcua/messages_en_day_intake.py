"""English for issue 11 (intake): the intake form's errors and warnings, drafts, the session's expiry."""

EN_DAY_INTAKE = {
    # The intake form (templates/dossiers/partials/_intake_form.html, counter/dossiers.py)
    "Chưa lưu được hồ sơ. Hãy sửa những mục sau, mọi thông tin đã nhập vẫn được giữ:":
        "The dossier was not saved. Please correct the following; everything typed is kept:",
    "Hãy chọn thủ tục.": "Please choose a procedure.",
    "Hiện tất cả thủ tục": "Show all procedures",
    "Chỉ hiện thủ tục thuộc lĩnh vực của hàng đợi {queue}.":
        "Only the procedures of the fields of queue {queue} are shown.",
    "Kết thúc số {code} sau khi tiếp nhận (bỏ chọn nếu công dân còn hồ sơ khác)":
        "Finish number {code} after intake (untick if the citizen has another dossier)",
    "Đã kết thúc số {code}.": "Number {code} is finished.",
    "Gọi số tiếp theo": "Call the next number",
    "Nội dung dài quá {n} ký tự (đang có {length}).": "The text is longer than {n} characters (it has {length}).",
    "Mỗi giấy tờ cần bổ sung dài tối đa {n} ký tự.": "Each paper to supplement may be at most {n} characters long.",
    "Họ tên trên thẻ có {length} ký tự, dài hơn {n} ký tự hồ sơ lưu được: hãy báo quản trị, không cắt bớt tên.":
        "The name on the card has {length} characters, more than the {n} a dossier can hold: tell the "
        "administrator; do not shorten the name.",
    # The ID number against the birth date and gender (domain/cccd.py id_mismatch)
    "Số định danh này ứng với người sinh năm {year}, khác ngày sinh đã nhập.":
        "This ID number belongs to someone born in {year}, unlike the birth date entered.",
    "Số định danh này ứng với giới tính {gender}, khác giới tính đã nhập.":
        "This ID number belongs to a {gender} person, unlike the gender entered.",
    "Hãy đối chiếu với thẻ Căn cước và sửa nếu nhập sai.":
        "Please compare with the ID card and correct anything typed wrongly.",
    "Tôi đã đối chiếu với thẻ": "I have compared with the card",
    "Số định danh không khớp với ngày sinh hoặc giới tính đã nhập. Hãy đối chiếu với thẻ, sửa nếu nhập sai, rồi "
    "đánh dấu “Tôi đã đối chiếu với thẻ”.":
        "The ID number does not match the birth date or gender entered. Compare with the card, correct "
        "anything typed wrongly, then tick “I have compared with the card”.",
    "Nam": "Male",
    "Nữ": "Female",
    # The session's clock and drafts (templates/partials/_staff_session.html, static/js/session.js, drafts.js)
    "Phiên làm việc sắp hết hạn do không thao tác.": "Your session is about to expire for lack of activity.",
    "Còn": "Time left:",
    "giây": "seconds",
    "Tiếp tục làm việc": "Keep working",
    "Phiên làm việc đã kết thúc do không thao tác. Những gì đang nhập được giữ làm bản nháp trên máy này; hãy "
    "đăng nhập lại để tiếp tục.":
        "Your session has ended for lack of activity. What you were typing is kept as a draft on this "
        "computer; log in again to continue.",
    "Đăng nhập lại": "Log in again",
    "Đã khôi phục bản nháp chưa gửi, lưu lúc": "Restored the unsent draft saved at",
    "Hãy kiểm tra lại trước khi gửi.": "Please check it before sending.",
    "Bỏ bản nháp": "Discard the draft",
    "Biểu mẫu đang nhập dở (nếu có) sẽ được khôi phục trên máy này sau khi đăng nhập.":
        "A form you were filling in (if any) will be restored on this computer after you log in.",
}
