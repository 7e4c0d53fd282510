"""Outgoing webhooks per organisation: JSON signed with HMAC-SHA256, retried with backoff."""
