"""English for issue 11 (steps)."""

EN_DAY_STEPS = {
}
