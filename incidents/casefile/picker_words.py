"""The picker's sentences, in the user's language: for the page (rendered by the server) and, with "{n}"-style
placeholders, for picker.js, which says the same things after each search and each click."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import ngettext

from ..parties.search import ContractFilter


def what(wanted: ContractFilter, controller_name: str | None = None) -> str:
    """A search in words: “zorg”, profile boz-72h, of Zorginstelling 3."""
    parts = []
    if wanted.q:
        parts.append(f"“{wanted.q}”")
    if wanted.profile:
        parts.append(_("profile %(key)s", key=wanted.profile))
    if wanted.controller_id:
        parts.append(_("of %(name)s", name=controller_name or wanted.controller_id))
    return ", ".join(parts)


def match_words(count: int, wanted: ContractFilter, controller_name: str | None = None) -> str:
    return ngettext(
        "The %(num)d contract matching %(what)s",
        "All %(num)d contracts matching %(what)s",
        count,
        what=what(wanted, controller_name),
    )


def chosen_words(count: int) -> str:
    if count == 0:
        return _("No contract chosen one by one.")
    return ngettext("%(num)d contract chosen one by one.", "%(num)d contracts chosen one by one.", count)


def matches_words(count: int) -> str:
    return ngettext("Plus whole searches: %(num)d contract.", "Plus whole searches: %(num)d contracts.", count)


def found_words(count: int) -> str:
    if count == 0:
        return _("Nothing found for this search.")
    return ngettext("%(num)d contract found.", "%(num)d contracts found.", count)


def add_all_words(count: int) -> str:
    return ngettext("Add the %(num)d matching contract", "Add all %(num)d matching contracts", count)


def script_words() -> dict[str, str]:
    """The same sentences for picker.js, with {n}, {q}, {what}, {page}, {pages}, {name}, {ref}, {text} to fill in."""
    n = "{n}"
    return {
        "chosen0": _("No contract chosen one by one."),
        "chosen1": _("1 contract chosen one by one."),
        "chosenN": _("%(num)s contracts chosen one by one.", num=n),
        "matches1": _("Plus whole searches: 1 contract."),
        "matchesN": _("Plus whole searches: %(num)s contracts.", num=n),
        "found0": _("Nothing found for this search."),
        "found1": _("1 contract found."),
        "foundN": _("%(num)s contracts found.", num=n),
        "addAll1": _("Add the 1 matching contract"),
        "addAllN": _("Add all %(num)s matching contracts", num=n),
        "match1": _("The 1 contract matching %(what)s", what="{what}"),
        "matchN": _("All %(num)s contracts matching %(what)s", num=n, what="{what}"),
        "profile": _("profile %(key)s", key="{key}"),
        "of": _("of %(name)s", name="{name}"),
        "page": _("Page %(page)s of %(pages)s", page="{page}", pages="{pages}"),
        "add": _("Add"),
        "chosen": _("chosen"),
        "remove": _("Remove %(what)s", what="{ref}"),
        "only": _("Only this controller"),
        "onlyOf": _("Only the contracts of %(name)s", name="{name}"),
        "every": _("Show every controller"),
        "previous": _("Previous"),
        "next": _("Next"),
        "searching": _("Searching…"),
        "failed": _("The search did not work: %(text)s", text="{text}"),
        "offline": _("The search did not answer. Check the connection or log in again, then search again."),
        "pasted": _("And the references you pasted."),
    }
