"""Notices to controllers: documents (stored as proof), the e-mail outbox, acknowledgements."""
