# Overrides for the test suite (loaded when create_app(testing=True) is used).
TESTING = True
LOG_LEVEL = "WARNING"
OUTBOX_PUMP_SECONDS = 0
BASE_URL = "http://localhost"
