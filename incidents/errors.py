"""Domain errors raised by services; views and the API turn them into pages and JSON errors."""

from __future__ import annotations


class DomainError(Exception):
    status = 422
    default_code = "validation_failed"

    def __init__(self, message: str, field: str | None = None, code: str | None = None, params: dict | None = None):
        super().__init__(message)
        self.message = message  # English, as the API says it
        self.field = field
        self.code = code or self.default_code
        self.params = params or {}  # with the code: what a page needs to say it in its own language


class ValidationFailed(DomainError):
    status = 422
    default_code = "validation_failed"


class Conflict(DomainError):
    status = 409
    default_code = "conflict"


class NotFound(DomainError):
    status = 404
    default_code = "not_found"
