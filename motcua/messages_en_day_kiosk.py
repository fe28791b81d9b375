"""English for issue 11 (kiosk)."""

EN_DAY_KIOSK = {
}
