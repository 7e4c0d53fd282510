"""The supervisory authorities of the running application (config/authorities.toml) and the EDPB breach-notification
template (config/edpb-template.toml), loaded and validated once at start-up, and the authority competent for a
controller."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, cast

from flask import Flask, current_app, g
from flask_babel import gettext
from sqlalchemy import or_, select

from .core.authorities import Authorities, Authority, Competence, competent_authority, load_authorities
from .core.edpb_template import EDPBTemplate, load_template
from .extensions import db
from .parties.models import Controller
from .paths import FILES


class _Established(Protocol):
    @property
    def country(self) -> str: ...

    @property
    def main_establishment(self) -> str: ...


def init_app(app: Flask) -> None:
    path = app.config.get("AUTHORITIES_FILE") or FILES / "config" / "authorities.toml"
    # An AuthorityError names the file and the key; letting it propagate stops start-up, as it should.
    app.extensions["authorities"] = load_authorities(path)
    # The EDPB common breach-notification template and where the desk holds each answer: refused like the above.
    template = app.config.get("EDPB_TEMPLATE_FILE") or FILES / "config" / "edpb-template.toml"
    app.extensions["edpb_template"] = load_template(template)
    # Pages name a controller's authority wherever its clock or its drafts are shown.
    app.add_template_global(competence_of, "authority_of")
    app.add_template_global(kind_label, "kind_label")
    app.add_template_global(authority_short, "authority_short")


def edpb_template() -> EDPBTemplate:
    return current_app.extensions["edpb_template"]


def all_authorities() -> Authorities:
    return current_app.extensions["authorities"]


def get_authority(code: str | None) -> Authority | None:
    return all_authorities().get(code)


def competence_of(controller: _Established) -> Competence:
    """The authority a controller notifies: its main establishment's (lead) or its country's; none outside the EEA."""
    return competent_authority(controller.country or "NL", controller.main_establishment, all_authorities())


@dataclass(frozen=True)
class Established:
    """Where a controller is established, read without its row (a query's columns)."""

    country: str
    main_establishment: str


DUTCH = Established("NL", "")


def _establishment_of(controller: object) -> _Established:
    """A controller, or its id: the establishment of every controller that is not plainly Dutch is read once per
    request (one query, whatever the number of rows a page shows)."""
    if not isinstance(controller, int):
        return cast(_Established, controller)
    if "establishments" not in g:
        rows = db.session.execute(
            select(Controller.id, Controller.country, Controller.main_establishment).where(
                or_(Controller.country != "NL", Controller.main_establishment != "")
            )
        )
        g.establishments = {i: Established(country, main) for i, country, main in rows}
    return g.establishments.get(controller, DUTCH)


def authority_of(controller: object) -> Authority | None:
    """A controller's (or a controller id's) competent authority; None where none is competent on its own."""
    return competence_of(_establishment_of(controller)).authority


def authority_short(controller: object) -> str:
    """The short name of a controller's authority ("AP", "GBA/APD"), or the words for several where none is
    competent on its own."""
    found = competence_of(_establishment_of(controller)).authority
    return (
        found.short_name
        if found
        else gettext("supervisory authorities of the member states where the data subjects live")
    )


def kind_label(kind: str, controller: object = None) -> str:
    """The word for an obligation or filing kind, with the controller's own authority where it names one: for a
    Dutch controller exactly the words of labels.py KIND_LABELS ("Melding aan de AP")."""
    from .labels import KIND_LABELS

    if kind not in ("ap_notification", "ap_follow_up") or controller is None:
        return str(KIND_LABELS.get(kind, kind))
    found = competence_of(_establishment_of(controller)).authority
    if found is not None and found.country == "NL":
        return str(KIND_LABELS[kind])
    if kind == "ap_notification":
        return gettext("Notification to the %(authority)s", authority=authority_short(controller))
    return gettext("Follow-up to the notification to the %(authority)s", authority=authority_short(controller))


OUTSIDE_EEA_WORDS = (
    "toezichthouders van de lidstaten waar de betrokkenen wonen",
    "supervisory authorities of the member states where the data subjects live",
)


def authority_names(controller: _Established) -> tuple[str, str] | None:
    """A controller's authority in Dutch and English, as documents outside a request say it (reminders, calendar
    feeds); None for the Dutch AP, whose existing words stay as they are."""
    found = competence_of(controller).authority
    if found is None:
        return OUTSIDE_EEA_WORDS
    if found.country == "NL":
        return None
    return found.label("nl"), found.label("en")
