"""English for issue 11 (steps)."""

EN_DAY_STEPS = {
    # Irreversible steps: a reason where the law needs one, then a confirmation
    "Hãy ghi rõ lý do công dân đề nghị dừng giải quyết hồ sơ.":
        "State why the applicant asked to stop processing the dossier.",
    "Xác nhận trả kết quả hồ sơ {code}? Việc này không hoàn tác được.":
        "Confirm handing back the result of dossier {code}? This cannot be undone.",
    "Xác nhận từ chối giải quyết hồ sơ {code}? Việc này không hoàn tác được.":
        "Confirm refusing dossier {code}? This cannot be undone.",
    "Xác nhận dừng giải quyết hồ sơ {code}? Việc này không hoàn tác được.":
        "Confirm stopping dossier {code}? This cannot be undone.",
    # The dossier's dates: the paper's received time stays; the legal clock's restart is added
    "Thời hạn tính lại từ": "Time limit counted again from",
    # Procedure facts
    "Trong ngày làm việc": "Within the working day",
    "{days} ngày {hours} giờ làm việc": "{days} working days {hours} working hours",
    "Trong {n} giờ làm việc": "Within {n} working hours",
    "Nộp trước {hour} giờ để nhận kết quả trong ngày; nộp sau {hour} giờ, kết quả trả vào ngày làm việc tiếp theo.":
        "File before {hour}:00 for a result the same day; filed after {hour}:00, the result is ready the next "
        "working day.",
    "Hồ sơ nộp sau {hour} giờ được tính từ ngày làm việc tiếp theo.":
        "A dossier filed after {hour}:00 counts from the next working day.",
    "{amount} đồng": "{amount} VND",
}
