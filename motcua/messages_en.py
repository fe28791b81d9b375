"""English for the Vietnamese source strings shown to people (kiosk, counter, display, errors)."""

EN = {
}
