# Default settings, loaded first by the application factory. The environment overrides them:
# DATABASE_URL, SECRET_KEY, and any INCIDENTS_<NAME> variable (parsed as JSON where it can be).

# SQLite file under instance/ unless DATABASE_URL says otherwise (set in the factory).
SQLALCHEMY_DATABASE_URI = None
SQLALCHEMY_ENGINE_OPTIONS = {}
# PostgreSQL with two roles (README, "PostgreSQL"): migrations run as the owner of the tables (MIGRATION_DATABASE_URL,
# from the environment), the application as a role that may only read and insert the append-only tables. Every
# upgrade grants that role its rights: DATABASE_APP_ROLE, or else the user of DATABASE_URL when it is not the owner.
MIGRATION_DATABASE_URL = None
DATABASE_APP_ROLE = None
# SQLite: how long a write waits for the write lock of another request before it fails ("database is locked").
# Writers take turns; 40 incidents created at once on a loaded two-core machine made the last one wait some 4 s.
SQLITE_BUSY_TIMEOUT_SECONDS = 30

# Where the clause profiles live; one TOML file per profile.
PROFILES_DIR = None  # default: config/profiles next to this file
# The EU/EEA supervisory authorities (a controller's competent authority); validated at start-up like the profiles.
AUTHORITIES_FILE = None  # default: config/authorities.toml next to this file
# The EDPB common breach-notification template: its sections, fields and where the desk holds each answer.
EDPB_TEMPLATE_FILE = None  # default: config/edpb-template.toml next to this file

# Where the statutory regimes live (NIS2 / Cyberbeveiligingswet, Telecommunicatiewet, AVG art. 33); one TOML each.
REGIMES_DIR = None  # default: config/regimes next to this file
# Which regimes bind our own organisation (incidents/regimes/registry.py SETTINGS): NIS2 as an essential or important
# entity ("" when not), our sector (which CSIRT receives the reports: "zorg" is Z-CERT, any other the NCSC), and
# whether we provide a public electronic communications service (Telecommunicatiewet art. 11.3a).
ORGANISATION_REGIMES = {"nis2_entity": "important", "sector": "zorg", "telecom_provider": "no"}

# Working target for "immediately" per profile key, overriding the profile file, e.g. {"doctolib": 12}.
PROFILE_TARGET_HOURS = {}

# Processor (our own organisation) as it appears on notices and drafts.
PROCESSOR_NAME = "Voorbeeld Verwerker B.V."
PROCESSOR_CONTACT = "privacy@verwerker.example"
# The processor's contact point for breaches (AVG art. 33 lid 3 sub b asks for a name and contact details).
PROCESSOR_CONTACT_NAME = "mr. J. de Boer"
PROCESSOR_CONTACT_FUNCTION = "Functionaris gegevensbescherming"
PROCESSOR_CONTACT_PHONE = "020-1234567"

BABEL_DEFAULT_LOCALE = "nl"
BABEL_DEFAULT_TIMEZONE = "Europe/Amsterdam"
LANGUAGES = ["nl", "en"]

WTF_CSRF_TIME_LIMIT = 8 * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = None  # None: secure when BASE_URL is https://
PERMANENT_SESSION_LIFETIME = 12 * 3600  # a session ends after 12 hours in any case
SESSION_IDLE_MINUTES = 60  # ...and after an hour without activity

# Login attempts per client address (Flask-Limiter); after 5 wrong passwords in a row an account is locked
# for 15 minutes. With several app servers, point RATELIMIT_STORAGE_URI at shared storage (e.g. redis://).
LOGIN_RATE_LIMIT = "10 per minute"
# Number of reverse proxies in front of the app whose X-Forwarded-For/-Proto/-Host headers are trusted (0: none).
PROXY_COUNT = 0
RATELIMIT_STORAGE_URI = "memory://"
RATELIMIT_HEADERS_ENABLED = True

API_PAGE_SIZE = 50
# A POST with an Idempotency-Key that the first request with that key is still working on waits this long for it,
# then gets 409 "in progress".
IDEMPOTENCY_WAIT_SECONDS = 10
# The dashboard's 12-month figures are worked out at most this often per process (0: on every view).
DASHBOARD_METRICS_SECONDS = 60
MAX_CONTENT_LENGTH = 4 * 1024 * 1024
# The register's PDF export holds at most this many incidents (reportlab lays a document out whole in memory);
# a larger selection is refused with a message, and CSV and XLSX, which stream, hold any number.
REGISTER_PDF_MAX = 1000  # measured: 1,670 incidents made a 2 MB PDF and took about 95 MB more memory

# "console" for people, "json" for machines (production).
LOG_FORMAT = "console"
LOG_LEVEL = "INFO"

# Mail. Without MAIL_SERVER, messages are written as .eml files to MAIL_FOLDER (default instance/mail).
MAIL_SERVER = None
MAIL_PORT = 25
MAIL_USERNAME = None
MAIL_PASSWORD = None
MAIL_USE_TLS = False
MAIL_USE_SSL = False
MAIL_FOLDER = None
MAIL_FROM = "Datalekdesk <datalek@verwerker.example>"

# The outbox: a background pump in each web process delivers queued mail and retries failures.
OUTBOX_PUMP_SECONDS = 15  # 0 switches the pump off (then run `flask --app wsgi outbox deliver`)
OUTBOX_MAX_ATTEMPTS = 10
OUTBOX_BACKOFF_SECONDS = [60, 300, 900, 3600, 14400]
# An update notice (or investigation report) that says exactly what the controller's last one said, asked for
# within this many minutes of it, is that one asked for again (a double click, a retried request): not sent twice.
NOTICE_REPEAT_MINUTES = 10

# Absolute address of this application, for links in e-mails, calendar feeds and webhook calls. Set it in production.
# Unset, links use the address the app is served on (the request's, else the last one a signed-in user reached this
# process on; `make run` gives the worker its port): see incidents/links.py.
BASE_URL = None
ACK_MAX_AGE_DAYS = 30

# Reminders of running deadlines (`flask --app wsgi worker`, or `tick` from cron): at these fractions of the window,
# these hours before the deadline, at the deadline, then every REMINDER_REPEAT_HOURS while missed. From the
# deadline on, the DPO (DPO_EMAIL) and the administrators are told as well.
REMINDER_FRACTIONS = [0.5, 0.75]
REMINDER_HOURS_BEFORE = [2]
REMINDER_REPEAT_HOURS = 4
DPO_EMAIL = None
WORKER_SECONDS = 30
# An incident still suspected this many hours after awareness is flagged on the dashboard (EDPB 9/2022: a short
# investigation only; the clocks owed once a breach is established wait for the confirmation).
SUSPECTED_ALERT_HOURS = 24
# Processes of `flask worker` (None: one per core, at most 4). Rendering notices is CPU work: two processes on two
# cores send a batch about twice as fast. They share the outbox safely (each message is claimed by one of them).
WORKER_PROCESSES = None
WEBHOOK_TIMEOUT_SECONDS = 10
# Webhooks call public addresses only: a URL whose host is on this machine or a private network (loopback, private,
# link-local, unspecified, multicast or reserved, IPv4 or IPv6) is refused when the webhook is created and on every
# call. True allows them (a receiver on the internal network, a test setup).
WEBHOOKS_ALLOW_PRIVATE_TARGETS = False
WEBHOOK_MAX_ATTEMPTS = 8
WEBHOOK_BACKOFF_SECONDS = [60, 300, 900, 3600, 14400]

# The worker recomputes the record's hash chains (flask --app wsgi verify) when the last verification is older than
# this many hours; 0: only by hand.
RECORD_VERIFY_HOURS = 24
# Processes that verify long chains side by side (segments of 250,000 links); None: one per core.
RECORD_VERIFY_PROCESSES = None

# Intake by e-mail (incidents/intake/): messages sent to the breach address become suspected incidents in a review
# queue (Intake page), each stored exactly as it arrived, with its SHA-256, as proof. Two ways in, either or both:
# - an IMAP mailbox that receives the breach address's mail: `flask --app wsgi intake fetch`, and every pass of the
#   worker when INTAKE_IMAP_HOST is set. Unseen messages are stored, then marked seen; INTERNALDATE is the arrival.
# - the built-in SMTP receiver for on-premise use: `flask --app wsgi intake serve` listens on INTAKE_SMTP_HOST and
#   INTAKE_SMTP_PORT, takes mail for INTAKE_ADDRESS only (any other recipient: 550) up to INTAKE_MAX_BYTES (larger:
#   552), and stores each message before it answers 250. Put it behind the organisation's mail relay; it does no
#   TLS or authentication of its own.
INTAKE_ADDRESS = "datalek@verwerker.example"  # the breach address (compared without regard to case)
INTAKE_MAX_BYTES = 25 * 1024 * 1024  # the largest message taken (the SMTP SIZE limit)
INTAKE_IMAP_HOST = None  # None: no IMAP mailbox
INTAKE_IMAP_PORT = None  # None: 993 for "tls", 143 for "starttls" and "none"
INTAKE_IMAP_SECURITY = "tls"  # "tls" (IMAPS), "starttls", or "none" (only on loopback or a trusted network)
INTAKE_IMAP_CA_FILE = None  # a CA bundle to trust besides the system's (a private mail server's certificate)
INTAKE_IMAP_USER = None
# The password comes from the environment (INCIDENTS_INTAKE_IMAP_PASSWORD), never from a file in the repository.
INTAKE_IMAP_PASSWORD = None
INTAKE_IMAP_FOLDER = "INBOX"
INTAKE_IMAP_TIMEOUT_SECONDS = 30
INTAKE_SMTP_HOST = "127.0.0.1"
INTAKE_SMTP_PORT = 8025
INTAKE_SMTP_NAME = None  # the name the receiver greets with (default "localhost")
