# Overrides for the test suite (loaded when create_app(testing=True) is used).
TESTING = True
LOG_LEVEL = "WARNING"
OUTBOX_PUMP_SECONDS = 0
BASE_URL = "http://localhost"
# Many logins from one address: the login rate limit is switched on only in the test that checks it.
RATELIMIT_ENABLED = False
# The worker's daily verification of the record: switched on only in the tests that check it.
RECORD_VERIFY_HOURS = 0
# Verification in this process (a forked child has no view of a test's uncommitted transaction on PostgreSQL);
# tests/record checks the processes side by side on committed data.
RECORD_VERIFY_PROCESSES = 1
