"""English for the figures and the official indicators."""

EN_FIGURES = {
    # domain/figures/scope.py
    "Ngày không hợp lệ: {value}. Hãy nhập theo dạng dd/mm/yyyy.":
        "Invalid date: {value}. Enter it as dd/mm/yyyy.",
    "Khoảng thời gian không hợp lệ: {value}.": "Invalid period: {value}.",
    "Ngày bắt đầu ({start}) phải trước hoặc bằng ngày kết thúc ({end}).":
        "The start date ({start}) must be on or before the end date ({end}).",
    "Khoảng thời gian tối đa là {days} ngày.": "The period can be at most {days} days.",
}
