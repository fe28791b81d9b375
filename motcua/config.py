"""Default settings; a site overrides them in instance/config.py or FLASK_* variables."""

from datetime import timedelta


class Defaults:
    SECRET_KEY = None  # generated into the instance folder on first start
    ROLE = "site"  # "site" (SQLite, one reception point) or "central" (PostgreSQL)
    SQLALCHEMY_DATABASE_URI = None  # default: sqlite file in the instance folder
    SQLITE_BUSY_TIMEOUT_MS = 5000  # only programs outside the writer queue (a backup) make us wait
    SQLITE_CACHE_MB = 2  # page cache per connection (SQLite's default; a replay target takes 512)
    SITE_AGENCY_CODE = None  # which reception point this server is; default: the only one
    TIME_ZONE = "Asia/Ho_Chi_Minh"

    # Sessions and security
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)  # absolute: one working day
    STAFF_IDLE_TIMEOUT = timedelta(minutes=15)  # counted from real actions, not polling
    SESSION_COOKIE_SECURE = False  # also Secure whenever the request came over TLS (motcua.security)
    # Login throttling per (user name, address): free tries, then a wait that doubles up to a cap.
    LOGIN_FREE_FAILURES = 3
    LOGIN_DELAY_CAP = timedelta(minutes=5)
    LOGIN_FAILURE_WINDOW = timedelta(hours=1)  # failures older than this are forgotten
    LOGIN_MAX_FAILURES_PER_ADDRESS = 30  # across user names (password spraying); other addresses unaffected
    # Behind a reverse proxy that terminates TLS: how many proxies to trust for X-Forwarded-For,
    # -Proto and -Host (0 = none: the server is reached directly).
    PROXY_FIX_X_FOR = 0
    PROXY_FIX_X_PROTO = 0
    PROXY_FIX_X_HOST = 0
    WTF_CSRF_TIME_LIMIT = None  # kiosk pages stay open all day
    MAX_CONTENT_LENGTH = 16 * 1024 * 1024

    # Queue
    # A busy kiosk gives a ticket every few seconds; these stop a stuck key or a script
    # (1,515 tickets in 20 s were seen), not a morning rush. RATELIMIT_ENABLED=False turns
    # them off (the benchmark's eight clients share one address).
    TICKET_LIMIT_PER_KIOSK = "40 per minute;600 per hour"
    TICKET_LIMIT_PER_ADDRESS = "40 per minute;600 per hour"
    KIOSK_IDLE_SECONDS = 20
    # Tickets only within the site's opening hours (domain.opening_hours). The tests' sites and the
    # browser tests' live servers turn it off unless a test means to check it, so they pass at any hour.
    KIOSK_HOURS_ENFORCED = True
    PRIORITY_MAX_CONSECUTIVE = 3  # after this many priority calls a waiting normal ticket goes next
    DEFAULT_SERVICE_MINUTES = 6  # estimate used until today has real service times
    CLOCK_SKEW_TOLERANCE = timedelta(minutes=5)
    # A row the event log covers changed without an event: "log" an error (production) or "raise"
    # (tests, and a site that wants to find the path that did it).
    EVENT_GUARD = "log"
    # Personal data of a closed dossier (returned, refused, stopped, not received) is erased this
    # many days after it closed; the province sets it from its records retention schedule.
    PERSONAL_DATA_RETENTION_DAYS = 5 * 365
    # Rate limits are counted here: memory for a site (one process), Redis for central's workers
    # (ROLE=central refuses memory), e.g. redis://127.0.0.1:6379/0.
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True  # Redis down: each worker counts alone, nobody gets a 500

    # Sync (docs/central.md). A site tries every SYNC_INTERVAL_SECONDS while connected; after a
    # failure it waits longer each time (with jitter) up to SYNC_BACKOFF_MAX_SECONDS.
    SYNC_INTERVAL_SECONDS = 10
    SYNC_BACKOFF_MAX_SECONDS = 300
    SYNC_TIMEOUT_SECONDS = 30
    SYNC_BATCH = 500
    SYNC_OFFLINE_AFTER_SECONDS = 120  # screens call the link offline after this long without success
    SYNC_LIMIT_PER_SITE = "600 per minute"  # central, per credential

    DISPLAY_POLL_SECONDS = 1
    COUNTER_POLL_SECONDS = 3

    # Scanners: how long a scan may pause (ms, real time) before the page takes it as over;
    # None keeps the built-in 75/300 ms. For a kiosk PC that stalls mid-scan (and the browser tests,
    # whose keys come from a process that a loaded machine can pause).
    SCANNER_WAIT_MS = None

    # Printing
    PRINT_TIMEOUT_SECONDS = 3
    PRINT_MAX_ATTEMPTS = 5
    PRINT_RETRY_SECONDS = 5
    PRINT_PERSONAL_DATA_HOURS = 24  # a slip's personal data stays on its print job this long for reprints
    START_WORKERS = False  # wsgi.py turns the site worker (print lines, watch) on for the real server
    WORKER_PROCESS = True  # the site worker runs in a process of its own

    # Announcements
    ESPEAK_BINARY = "espeak-ng"

    # Dossiers
    MAKE_UP_SATURDAYS_COUNT = True  # does a make-up Saturday count toward deadlines? (unsettled in law)
    PUBLIC_BASE_URL = None  # the central server's public address (receipts' QR codes); until then this site
    RECEIPT_PAPER = "A5x2"  # "A4" (one copy) or "A5x2" (two A5 copies on a landscape A4)
    UPLOAD_MAX_BYTES = 10 * 1024 * 1024
    UPLOAD_MAX_PIXELS = 40_000_000
    TRACKING_LOOKUPS_PER_MINUTE = 10  # per client address, public tracking pages
    KIOSK_LOOKUPS_PER_MINUTE = 60  # the site's own kiosk (a shared screen) looking dossiers up

    # Satisfaction and feedback (docs/supervisor.md)
    RATING_SCALE = 3  # levels on the citizen's rating screen: 3, 4 or 5 (domain.ratings.SCALES)
    RATING_PROMPT_MINUTES = 5  # how long the counter's citizen screen keeps asking after "finish"
    RATING_GRACE_SECONDS = 45  # …and once the counter has called the next citizen (finish and call next)
    FEEDBACK_ANSWER_DAYS = 15  # working days to answer a PAKN (domain.md §4.1, indicator 5.2)
    FEEDBACK_REJECT_DAYS = 2  # working days to say a PAKN is not taken up
    INDICATOR_SET = None  # a Decision 766 indicator set's code (domain.indicator_sets); None: in force
