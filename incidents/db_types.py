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
        """The composed bind processor, memoised: a fan-out writes the same few instants thousands of times.

        Aware datetimes compare and hash by instant, so equal keys always give the same stored value;
        naive datetimes still reach process_bind_param and are refused there.
        """
        inner = super().bind_processor(dialect)
        if inner is None:
            return None
        cache: dict[datetime, object] = {}

        def process(value):
            if value is None:
                return None
            if value.tzinfo is None:
                return inner(value)
            try:
                return cache[value]
            except KeyError:
                result = cache[value] = inner(value)
                if len(cache) > 4096:
                    cache.clear()
                return result

        return process

    def result_processor(self, dialect, coltype):
        """Memoised like bind_processor: listing thousands of deadlines reads the same few values."""
        inner = super().result_processor(dialect, coltype)
        if inner is None:
            return None
        cache: dict[object, datetime | None] = {}

        def process(value):
            try:
                return cache[value]
            except KeyError:
                result = cache[value] = inner(value)
                if len(cache) > 4096:
                    cache.clear()
                return result
            except TypeError:  # an unhashable driver value: no memo
                return inner(value)

        return process

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)
