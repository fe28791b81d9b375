"""English for issue 11 (counter)."""

EN_DAY_COUNTER = {
}
