"""English for issue 11 (counter)."""

EN_DAY_COUNTER = {
    # The workspace: feedback after each action, finish and call next, the declared priority
    "Xong, gọi số tiếp theo": "Done, call next",
    "Kết thúc số {code} rồi gọi số tiếp theo": "Finish {code}, then call the next number",
    "Quầy chưa phục vụ số nào. Bấm “Gọi số tiếp theo” (phím N).":
        "No one is being served. Press “Call next” (key N).",
    "Đã gọi lại số {code} (lần {n}).": "Number {code} called again (call {n}).",
    "Đã ghi số {code} vắng mặt.": "Number {code} recorded as absent.",
    "Đã tạm giữ số {code}.": "Number {code} put on hold.",
    "Đang phục vụ tiếp số {code}.": "Serving number {code} again.",
    "Đã kết thúc {done}; đang gọi {code}.": "Finished {done}; calling {code}.",
    "Đã kết thúc {done}. Không có công dân nào đang chờ.": "Finished {done}. No citizen is waiting.",
    "Đang gọi số {code}.": "Calling number {code}.",
    "Ưu tiên: {category} — đối chiếu giấy tờ của công dân:":
        "Priority: {category} — check the citizen's papers:",
    "Không đúng đối tượng": "Not eligible",
    "đã xác nhận": "confirmed",
    "không đúng đối tượng": "not eligible",
    "Đã xác nhận số {code} thuộc đối tượng ưu tiên.": "Number {code} confirmed as a priority citizen.",
    "Đã ghi nhận số {code} không đúng đối tượng ưu tiên.":
        "Recorded: number {code} is not in the priority category declared.",
    "Số {code} không đăng ký ưu tiên.": "Number {code} did not declare a priority.",
    "Ưu tiên của số {code} đã được ghi nhận trước đó.": "The priority of number {code} was already checked.",
    # Taking over a counter another officer is using
    "Việc tiếp nhận quầy của người khác cần một người giám sát của điểm này xác nhận: mời họ nhập tên "
    "đăng nhập và mật khẩu của mình (họ không bị đăng nhập vào máy này).":
        "Taking over another officer's counter needs a supervisor of this office to confirm: ask them to "
        "type their user name and password (they are not logged in on this computer).",
    "Tên đăng nhập của người giám sát": "Supervisor's user name",
    "Mật khẩu của người giám sát": "Supervisor's password",
    "Lý do tiếp nhận quầy": "Reason for taking over the counter",
    "Lý do tiếp nhận quầy (không bắt buộc)": "Reason for taking over the counter (optional)",
    "Hãy nhập lý do tiếp nhận quầy.": "Enter the reason for taking over the counter.",
    "Hãy nhập tên đăng nhập của người giám sát.": "Enter the supervisor's user name.",
    "Lý do dài quá {n} ký tự.": "The reason is longer than {n} characters.",
    "{name} không phải giám sát hoặc quản trị của điểm này; hãy mời người giám sát xác nhận.":
        "{name} is not a supervisor or administrator of this office; ask a supervisor to confirm.",
    "Quầy số {n} đã được {name} tiếp nhận (lý do: {reason}). Bạn không còn làm việc tại quầy này; "
    "hãy chọn quầy khác.":
        "Counter {n} was taken over by {name} (reason: {reason}). You no longer work at this counter; "
        "choose another.",
    "Quầy số {n} đã được {name} tiếp nhận, {supervisor} xác nhận (lý do: {reason}). Bạn không còn làm "
    "việc tại quầy này; hãy chọn quầy khác.":
        "Counter {n} was taken over by {name}, confirmed by {supervisor} (reason: {reason}). You no longer "
        "work at this counter; choose another.",
}
