"""English for staff accounts (the `flask staff` commands)."""

EN_STAFF = {
    "Không có tài khoản “{username}”.": "No account “{username}”.",
    "Tên đăng nhập chỉ gồm chữ thường không dấu, số, dấu chấm, gạch ngang hoặc gạch dưới (2–60 ký tự).":
        "A user name holds only lower-case letters without diacritics, digits, dots, hyphens or underscores "
        "(2–60 characters).",
    "Tên đăng nhập {username} đã có.": "The user name {username} is taken.",
    "Vai trò “{role}” không có; chọn một trong: {roles}.": "There is no role “{role}”; choose one of: {roles}.",
}
