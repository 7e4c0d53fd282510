"""The supervisory authorities of the running application (config/authorities.toml), loaded and validated once at
start-up, and the authority competent for a controller."""

from __future__ import annotations

from typing import Protocol

from flask import Flask, current_app

from .core.authorities import Authorities, Authority, Competence, competent_authority, load_authorities
from .paths import FILES


class _Established(Protocol):
    country: str
    main_establishment: str


def init_app(app: Flask) -> None:
    path = app.config.get("AUTHORITIES_FILE") or FILES / "config" / "authorities.toml"
    # An AuthorityError names the file and the key; letting it propagate stops start-up, as it should.
    app.extensions["authorities"] = load_authorities(path)


def all_authorities() -> Authorities:
    return current_app.extensions["authorities"]


def get_authority(code: str | None) -> Authority | None:
    return all_authorities().get(code)


def competence_of(controller: _Established) -> Competence:
    """The authority a controller notifies: its main establishment's (lead) or its country's; none outside the EEA."""
    return competent_authority(controller.country or "NL", controller.main_establishment, all_authorities())
