"""Safe retries of the API's POSTs: an `Idempotency-Key` and the one response it stands for, kept 24 hours."""
