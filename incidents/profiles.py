"""The clause profiles of the running application, loaded and validated once at start-up."""

from __future__ import annotations

from flask import Flask, current_app

from .core.profiles import ClauseProfile, load_profiles
from .paths import FILES


def init_app(app: Flask) -> None:
    folder = app.config.get("PROFILES_DIR") or FILES / "config" / "profiles"
    # A ProfileError names the file and the key; letting it propagate stops start-up, as it should.
    app.extensions["clause_profiles"] = load_profiles(folder, app.config.get("PROFILE_TARGET_HOURS") or {})


def all_profiles() -> dict[str, ClauseProfile]:
    return current_app.extensions["clause_profiles"]


def get_profile(key: str) -> ClauseProfile | None:
    return all_profiles().get(key)
