"""The outbox's dedupe keys, built and matched only here. A key is unique in the outbox, so a notice or report is
queued once even when two requests issue it at the same time (they take turns on the incident, and the second
finds the first's key; an update or report that repeats the last one is found by repeats.py).

- ``notice:<incident>:<controller>:initial`` and ``…:final``: a controller receives one initial and one final
  notice per incident, so issuing either again finds the first (sequence is always 1);
- ``<kind>:<incident>:<controller>:<version or ->:<sequence>``: updates and investigation reports, numbered;
- ``reminder:<reminder key>``: a reminder to people, once per obligation, point and deadline.
"""

from __future__ import annotations

ONCE = ("initial", "final")  # the notice versions a controller receives once per incident


def dedupe_key(incident_id: int, controller_id: int, kind: str, version: str | None, sequence: int) -> str:
    if kind == "notice" and version in ONCE:
        return f"notice:{incident_id}:{controller_id}:{version}"
    return f"{kind}:{incident_id}:{controller_id}:{version or '-'}:{sequence}"


def sequence_pattern(incident_id: int, controller_id: int, kind: str, version: str | None) -> str:
    """A LIKE pattern for the keys of one controller's numbered messages of a kind and version."""
    return f"{kind}:{incident_id}:{controller_id}:{version or '-'}:%"


def notice_pattern(incident_id: int, version: str) -> str:
    """A LIKE pattern for the keys of the incident's notices of a version, to every controller."""
    return f"notice:{incident_id}:%:{version}" if version in ONCE else f"notice:{incident_id}:%:{version}:%"


def reminder_dedupe_key(reminder_key: str) -> str:
    """The outbox key of a reminder's e-mail (the column holds 120 characters)."""
    return f"reminder:{reminder_key}"[:120]


def initial_notice_pattern(incident_id: int) -> str:
    """A LIKE pattern for the keys of the incident's initial notices, one per controller."""
    return f"notice:{incident_id}:%:initial"


def is_initial_notice(key: str) -> bool:
    """Whether the outbox message with this key is an initial notice."""
    return key.startswith("notice:") and key.endswith(":initial")
