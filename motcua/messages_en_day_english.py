"""English for issue 11 (english)."""

EN_DAY_ENGLISH = {
}
