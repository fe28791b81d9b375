"""Entry point for the production WSGI server (waitress in `make run`)."""

import sys

from motcua import create_app

# Threads hand the interpreter lock over every 1 ms instead of 5: the request that holds the
# writer queue gets it back sooner while other requests parse and render (p99 at 8 kiosks).
sys.setswitchinterval(0.001)
app = create_app({"START_WORKERS": True})
