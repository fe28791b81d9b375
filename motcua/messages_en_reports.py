"""English for the reports: weekly report, tracking log, exports."""

EN_REPORTS = {
    # templates/supervisor/reports.html and partials/_reports*.html
    "Báo cáo": "Reports",
    "Các tuần gần đây": "Recent weeks",
    "Chọn kỳ báo cáo": "Choose the period",
    "Kỳ báo cáo: từ ngày {start} đến ngày {end}": "Report period: {start} to {end}",
    "Báo cáo tuần (PDF)": "Weekly report (PDF)",
    "Văn bản báo cáo theo thể thức Nghị định 30/2020: tiếp nhận và giải quyết theo lĩnh vực, thủ tục; tỷ lệ đúng hạn; hồ sơ quá hạn, lý do và xin lỗi; mức độ hài lòng; phản ánh, kiến nghị; chỉ số Quyết định 766 (ước tính).": "An official report in the Decree 30/2020 layout: intake and results by field and procedure; on-time rate; overdue dossiers with reasons and apologies; satisfaction; feedback and complaints; Decision 766 indicators (estimated).",
    "Báo cáo tuần (Excel)": "Weekly report (Excel)",
    "Cùng số liệu, mỗi phần một trang tính, có công thức tổng và tỷ lệ.": "The same figures, one sheet per section, with formulas for totals and rates.",
    "Sổ theo dõi hồ sơ (PDF)": "Dossier tracking log (PDF)",
    "Các hồ sơ tiếp nhận trong kỳ, theo số thứ tự trong sổ.": "The dossiers received in the period, in log-number order.",
    "Xuất dữ liệu cho thanh tra, kiểm toán (CSV)": "Data exports for inspectors and auditors (CSV)",
    "Tệp CSV mã UTF-8, mở được bằng Excel; thời gian theo giờ Việt Nam. Tên người nộp chỉ giữ họ và chữ cái đầu; số định danh và số điện thoại chỉ giữ 3 chữ số cuối; không xuất địa chỉ, thư điện tử, ngày sinh.": "UTF-8 CSV files that open in Excel; times in Vietnam time. Applicants' names keep only the family name and initials; ID and phone numbers only their last 3 digits; addresses, e-mails and birth dates are not exported.",
    # counter/reports.py TABLES
    "Số thứ tự (lượt lấy số)": "Queue tickets",
    "Hồ sơ (tên, số định danh, điện thoại đã che)": "Dossiers (names, ID and phone numbers masked)",
    "Các bước xử lý hồ sơ": "Dossier steps",
    "Đánh giá mức độ hài lòng": "Satisfaction ratings",
    "Phản ánh, kiến nghị": "Feedback and complaints",
    "Nhật ký sự kiện (phần đầu, không có nội dung)": "Event log (envelopes, no payloads)",
    "Báo cáo được lập cho từng điểm tiếp nhận: hãy chọn điểm tiếp nhận trên trang giám sát rồi mở Báo cáo.":
        "A report is made for one reception point: choose it on the supervision page, then open Reports.",
}
