# Overrides for the test suite (loaded when create_app(testing=True) is used).
TESTING = True
LOG_LEVEL = "WARNING"
OUTBOX_PUMP_SECONDS = 0
BASE_URL = "http://localhost"
# Many logins from one address: the login rate limit is switched on only in the test that checks it.
RATELIMIT_ENABLED = False
# The worker's daily verification of the record: switched on only in the tests that check it.
RECORD_VERIFY_HOURS = 0
