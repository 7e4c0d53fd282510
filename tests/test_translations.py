"""Dutch first: every text the interface marks for translation has a Dutch translation in the catalogue, so no
English phrase appears on a Dutch page. The messages are extracted from the code and templates with Babel, as
`pybabel extract -F babel.cfg` would."""

from __future__ import annotations

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from incidents import ROOT

CATALOGUE = ROOT / "incidents" / "translations" / "nl" / "LC_MESSAGES" / "messages.po"
METHODS = [("incidents/**.py", "python"), ("templates/**.html", "jinja2")]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None}


def extracted() -> dict[str, str]:
    """msgid -> where it is used, for every marked message (plural forms by their singular)."""
    found = {}
    for filename, _lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), METHODS, keywords=KEYWORDS, options_map={"templates/**.html": {"extensions": "jinja2.ext.i18n"}}
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        if msgid:
            found.setdefault(msgid, filename)
    return found


def test_every_marked_message_has_a_dutch_translation():
    with CATALOGUE.open("rb") as handle:
        catalogue = read_po(handle)
    missing = []
    for msgid, where in sorted(extracted().items()):
        entry = catalogue.get(msgid)
        text = entry.string if entry is not None else None
        if isinstance(text, tuple | list):
            text = text[0]
        if not text:
            missing.append(f"{where}: {msgid!r}")
    assert len(extracted()) > 500  # the extraction found the interface's messages
    assert not missing, f"{len(missing)} message(s) without Dutch:\n" + "\n".join(missing)
