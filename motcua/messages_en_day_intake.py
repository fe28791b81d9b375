"""English for issue 11 (intake)."""

EN_DAY_INTAKE = {
}
