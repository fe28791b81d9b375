"""English for issue 11 (search)."""

EN_DAY_SEARCH = {
}
