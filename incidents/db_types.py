"""Column types: one place where instants are normalised to UTC."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.types import DateTime, TypeDecorator


class UTCDateTime(TypeDecorator):
    """An aware UTC datetime on every database.

    SQLite has no time zones and would silently drop an offset, so values are converted to UTC
    and stored naive there; PostgreSQL gets ``timestamp with time zone``. A naive datetime is a
    programming error and is refused instead of being guessed at.
    """

    impl = DateTime
    cache_ok = True

    def load_dialect_impl(self, dialect):
        return dialect.type_descriptor(DateTime(timezone=dialect.name != "sqlite"))

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is UTC:  # the common case: already normalised
            return value.replace(tzinfo=None) if dialect.name == "sqlite" else value
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("UTCDateTime refuses naive datetimes")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def bind_processor(self, dialect):
        """Memoised: a fan-out writes the same few instants thousands of times. Aware datetimes
        compare and hash by instant, so equal keys always store the same value; naive datetimes are
        not memoised and are refused by process_bind_param."""
        inner = super().bind_processor(dialect)
        if inner is None:
            return None
        memo = _memoised(inner)
        return lambda value: inner(value) if value is not None and value.tzinfo is None else memo(value)

    def result_processor(self, dialect, coltype):
        """Memoised like bind_processor: listing thousands of deadlines reads the same few values."""
        inner = super().result_processor(dialect, coltype)
        return None if inner is None else _memoised(inner)

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def _memoised(convert, limit: int = 4096):
    """Wrap a value converter with a small bounded memo (cleared when full)."""
    memo: dict = {}

    def process(value):
        try:
            return memo[value]
        except KeyError:
            result = memo[value] = convert(value)
            if len(memo) > limit:
                memo.clear()
            return result
        except TypeError:  # unhashable driver value
            return convert(value)

    return process
