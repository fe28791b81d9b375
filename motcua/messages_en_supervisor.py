"""English for the supervisor's dashboard, the official indicators and the reports."""

EN_SUPERVISOR = {
}
