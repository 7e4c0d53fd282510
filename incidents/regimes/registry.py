"""The statutory regimes of the running application and our organisation's settings that say which bind us, loaded
and validated once at start-up (like profiles.py for the contract clauses)."""

from __future__ import annotations

from flask import Flask, current_app

from ..core.regimes import Regime, RegimeError, load_regimes
from ..paths import FILES

# The settings a regime file may name (binds.setting, recipient.setting) and the values each may take.
SETTINGS = {
    "nis2_entity": ("essential", "important", ""),
    "sector": None,  # free: a regime's recipient.by_value names the sectors it knows
    "telecom_provider": ("yes", "no"),
}


def init_app(app: Flask) -> None:
    folder = app.config.get("REGIMES_DIR") or FILES / "config" / "regimes"
    regimes = load_regimes(folder)
    settings = dict(app.config.get("ORGANISATION_REGIMES") or {})
    for key, value in settings.items():
        allowed = SETTINGS.get(key, ())
        if key not in SETTINGS or (allowed is not None and value not in allowed):
            raise RegimeError("ORGANISATION_REGIMES", key, f"must be one of {', '.join(SETTINGS)} with a known value")
    app.extensions["regimes"] = regimes
    app.extensions["organisation_regimes"] = {k: str(v) for k, v in settings.items()}


def all_regimes() -> dict[str, Regime]:
    return current_app.extensions["regimes"]


def settings() -> dict[str, str]:
    return current_app.extensions["organisation_regimes"]


def binding() -> list[Regime]:
    """The regimes that bind our own organisation, by our settings, in key order."""
    found = settings()
    return [r for r in all_regimes().values() if r.binds(found)]


def binding_regime(key: str) -> Regime | None:
    return next((r for r in binding() if r.key == key), None)
