"""Public screens: the self-service kiosk and the display board. No staff login, no personal data."""
