"""English for issue 11 (search)."""

EN_DAY_SEARCH = {
    "Tìm hồ sơ": "Find a dossier",
    "Tìm": "Search",
    "Mã hồ sơ, họ tên, số định danh hoặc số điện thoại": "Dossier code, name, ID number or phone number",
    "Ví dụ: 0012 (cuối mã hồ sơ), nguyen van an, 012345678901, 0901 234 567.":
        "For example: 0012 (the end of a dossier code), nguyen van an, 012345678901, 0901 234 567.",
    "Hơn {n} hồ sơ khớp, đang hiện {n} hồ sơ mới nhất. Hãy thu hẹp tìm kiếm.":
        "More than {n} dossiers match; the {n} newest are shown. Please narrow the search.",
    "Tìm thấy {n} hồ sơ.": "{n} dossiers found.",
    "Không tìm thấy hồ sơ nào tại điểm tiếp nhận này.": "No dossier found at this reception point.",
    "Trạng thái": "Status",
    "(chưa có mã)": "(no code yet)",
    "Các hồ sơ của công dân": "The citizen's dossiers",
    "Mọi hồ sơ cùng số định danh tại điểm tiếp nhận này, mới nhất trước.":
        "Every dossier with the same ID number at this reception point, newest first.",
    "Mọi hồ sơ cùng họ tên và số điện thoại tại điểm tiếp nhận này, mới nhất trước.":
        "Every dossier with the same name and phone number at this reception point, newest first.",
    "{n} hồ sơ.": "{n} dossiers.",
    "Tìm hồ sơ khác": "Find another dossier",
    "Từ khóa tìm kiếm quá dài (tối đa {n} ký tự).": "The search is too long (at most {n} characters).",
    "Hãy tìm bằng mã hồ sơ, họ tên, số định danh hoặc số điện thoại "
    "(chỉ gồm chữ, số, dấu cách và . - +).":
        "Search by dossier code, name, ID number or phone number "
        "(letters, digits, spaces and . - + only).",
    "“{text}” không phải mã hồ sơ: mã có dạng 000.00.12.H56-261202-0012 (có thể gõ phần cuối, ví dụ 0012).":
        "“{text}” is not a dossier code: a code looks like 000.00.12.H56-261202-0012 "
        "(you can type its end, e.g. 0012).",
    "Hãy gõ ít nhất 2 chữ của họ tên.": "Type at least 2 letters of the name.",
    "Không rõ “{text}” là số gì: số định danh có 12 chữ số, số điện thoại có 10 chữ số, mã hồ sơ có thể "
    "gõ phần cuối (ví dụ 0012).":
        "“{text}” is not a number we know: an ID number has 12 digits, a phone number 10, and a dossier "
        "code can be typed by its end (e.g. 0012).",
}
