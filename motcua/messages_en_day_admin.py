"""English for issue 11 (admin): the staff accounts' screens, messages beside the admin's forms, the
agency code's rule."""

EN_DAY_ADMIN = {
    # Staff accounts (counter/staff_admin.py, templates/staff/)
    "Tài khoản cán bộ": "Staff accounts",
    "Danh sách tài khoản": "All accounts",
    "Thêm tài khoản": "Add an account",
    "Vai trò": "Role",
    "Nơi làm việc": "Works at",
    "Đăng nhập gần nhất (tại máy này)": "Last login (on this server)",
    "Đang hoạt động": "Active",
    "Đã khoá": "Disabled",
    "Họ tên và vai trò": "Name and role",
    "Mật khẩu ban đầu": "Initial password",
    "Nhập lại mật khẩu": "Type the password again",
    "Để trống để hệ thống tạo mật khẩu (hiện một lần); tự đặt: ít nhất 10 ký tự.":
        "Leave empty for a generated password (shown once); your own: at least 10 characters.",
    "Chữ thường không dấu, số, dấu chấm, gạch ngang; ví dụ nguyenvana hoặc tancuong.canbo2":
        "Lower-case letters without accents, digits, dots, hyphens; e.g. nguyenvana or tancuong.canbo2",
    "Mật khẩu của {username}:": "Password of {username}:",
    "Mật khẩu này chỉ hiện một lần: hãy ghi lại và trao tận tay người dùng.":
        "This password is shown only once: write it down and hand it to its user in person.",
    "Đặt lại mật khẩu": "Reset the password",
    "Mọi phiên đăng nhập của tài khoản sẽ kết thúc; quầy tài khoản đang dùng được đóng lại.":
        "Every session of the account ends; the counter it is using closes.",
    "Tạo mật khẩu mới": "Generate a new password",
    "Hoặc tự đặt mật khẩu mới": "Or type a new password",
    "Đặt mật khẩu này": "Set this password",
    "Khoá tài khoản": "Disable the account",
    "Khoá tài khoản {username}?": "Disable the account {username}?",
    "Tài khoản bị khoá sẽ bị đăng xuất ngay, quầy đang dùng được đóng lại, và không đăng nhập được cho đến "
    "khi mở lại.": "A disabled account is logged out at once, the counter it is using closes, and it cannot "
                   "log in until it is enabled again.",
    "Mở lại tài khoản": "Enable the account",
    "Tài khoản do máy chủ trung tâm quản lý; hãy thay đổi tại đó.":
        "Accounts are managed by the central server; change them there.",
    "Tài khoản do máy chủ trung tâm quản lý: điểm tiếp nhận này nhận danh sách tài khoản từ máy chủ trung "
    "tâm của tỉnh. Muốn thêm tài khoản, đổi vai trò, đặt lại mật khẩu hoặc khoá tài khoản, hãy liên hệ quản "
    "trị hệ thống của tỉnh.": "Accounts are managed by the central server: this reception point receives its "
                             "accounts from the province's central server. To add an account, change a "
                             "role, reset a password or disable an account, ask the province's system "
                             "administrator.",
    "Tài khoản dùng chung toàn tỉnh; mỗi tài khoản chỉ đăng nhập được tại các điểm tiếp nhận được phân công.":
        "Accounts are province-wide; each logs in only at the reception points it is assigned to.",
    "Không tìm thấy tài khoản này.": "This account was not found.",
    "Đã thêm tài khoản {username}.": "Account {username} added.",
    "Đã lưu tài khoản {username}.": "Account {username} saved.",
    "Đã lưu nơi làm việc của tài khoản {username}.": "Saved where {username} works.",
    "Đã đặt lại mật khẩu của {username}; các phiên đăng nhập của tài khoản đã kết thúc.":
        "The password of {username} was reset; the account's sessions have ended.",
    "Đã khoá tài khoản {username}: tài khoản đã bị đăng xuất và không đăng nhập được nữa.":
        "Account {username} disabled: it has been logged out and can no longer log in.",
    "Đã mở lại tài khoản {username}.": "Account {username} enabled again.",
    "Hai lần nhập mật khẩu không khớp nhau.": "The two passwords typed do not match.",
    "Hãy chọn ít nhất một điểm tiếp nhận.": "Choose at least one reception point.",
    # domain/staff.py
    "Bạn không thể tự bỏ điểm tiếp nhận này khỏi tài khoản của mình.":
        "You cannot remove this reception point from your own account.",
    "Bạn không thể tự bỏ vai trò quản trị của mình.": "You cannot take the administrator role from yourself.",
    "Đây là tài khoản quản trị cuối cùng còn hoạt động; hãy giao vai trò quản trị cho tài khoản khác trước.":
        "This is the last active administrator account; give the administrator role to another account first.",
    "Bạn không thể tự khoá tài khoản của mình.": "You cannot disable your own account.",
    "Đây là tài khoản quản trị cuối cùng còn hoạt động; không thể khoá.":
        "This is the last active administrator account; it cannot be disabled.",
    "Mật khẩu phải có ít nhất {n} ký tự.": "The password must have at least {n} characters.",
    "Mật khẩu dài quá {n} ký tự.": "The password is longer than {n} characters.",
    "Mật khẩu không được chứa tên đăng nhập.": "The password must not contain the username.",
    "Mật khẩu quá dễ đoán: hãy dùng ít nhất 4 ký tự khác nhau.":
        "The password is too easy to guess: use at least 4 different characters.",
    # The admin page (counter/admin.py, templates/admin/)
    "Đã lưu hàng đợi {letter}.": "Queue {letter} saved.",
    "Đã lưu quầy {n}.": "Counter {n} saved.",
    "Đã thêm kiosk {code}.": "Kiosk {code} added.",
    "Đã xoá ngày khỏi lịch.": "The day was removed from the calendar.",
    "Theo Quyết định 20/2020/QĐ-TTg, ví dụ 000.00.12.H56": "As in Decision 20/2020/QD-TTg, e.g. 000.00.12.H56",
    "Mã định danh “{code}” không hợp lệ: mã định danh cơ quan (Quyết định 20/2020/QĐ-TTg) có dạng như "
    "{example} hoặc H55.242.": "The agency code “{code}” is not valid: an agency identifier (Decision "
                              "20/2020/QD-TTg) looks like {example} or H55.242.",
}
