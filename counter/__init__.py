"""Staff screens: login, the counter, and the site's administration."""
