"""English for issue 11 (admin)."""

EN_DAY_ADMIN = {
}
