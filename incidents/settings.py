"""Configured settings that more than one layer reads, as typed values (like `profiles.py` for the clauses)."""

from __future__ import annotations

from flask import current_app

from .core.reminders import Plan


def reminder_plan() -> Plan:
    """The reminder points of this installation (REMINDER_FRACTIONS, REMINDER_HOURS_BEFORE, REMINDER_REPEAT_HOURS)."""
    config = current_app.config
    return Plan(
        tuple(config["REMINDER_FRACTIONS"]),
        tuple(config["REMINDER_HOURS_BEFORE"]),
        float(config["REMINDER_REPEAT_HOURS"]),
    )
