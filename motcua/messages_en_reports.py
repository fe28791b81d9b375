"""English for the reports: weekly report, tracking log, exports."""

EN_REPORTS = {
}
