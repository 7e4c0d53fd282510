# Overrides for the test suite (loaded when create_app(testing=True) is used).
TESTING = True
LOG_LEVEL = "WARNING"
