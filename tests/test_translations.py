"""Dutch first: every text the interface marks for translation has a Dutch translation in the catalogue, so no
English phrase appears on a Dutch page. The messages are extracted from the code and templates with Babel, as
`pybabel extract -F babel.cfg` would: `_`, `gettext`, `lazy_gettext`, `ngettext` (both forms) and `N_` (the msgids of
the services' refusals, translated where they are shown)."""

from __future__ import annotations

import re

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from incidents import ROOT

CATALOGUE = ROOT / "incidents" / "translations" / "nl" / "LC_MESSAGES" / "messages.po"
METHODS = [("incidents/**.py", "python"), ("templates/**.html", "jinja2")]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None, "N_": None}
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]")


def extracted() -> dict[str | tuple[str, str], str]:
    """msgid (a pair for a plural) -> where it is used, for every marked message."""
    found: dict[str | tuple[str, str], str] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), METHODS, keywords=KEYWORDS, options_map={"templates/**.html": {"extensions": "jinja2.ext.i18n"}}
    ):
        if isinstance(message, tuple | list):
            message = tuple(message[:2]) if len(message) > 1 and message[1] else message[0]
        if message:
            found.setdefault(message, f"{filename}:{lineno}")
    return found


def read_catalogue():
    with CATALOGUE.open("rb") as handle:
        return read_po(handle)


def test_every_marked_message_has_a_dutch_translation():
    catalogue = read_catalogue()
    messages = extracted()
    missing = []
    for msgid, where in sorted(messages.items(), key=lambda item: str(item[0])):
        singular = msgid[0] if isinstance(msgid, tuple) else msgid
        entry = catalogue.get(singular)
        texts = entry.string if entry is not None else None
        texts = list(texts) if isinstance(texts, tuple | list) else [texts]
        if isinstance(msgid, tuple) and (entry is None or not isinstance(entry.id, tuple) or len(texts) < 2):
            missing.append(f"{where}: {msgid!r} needs its plural entry (msgid_plural, msgstr[0] and msgstr[1])")
        elif not all(texts) or entry.fuzzy:
            missing.append(f"{where}: {msgid!r}")
    assert len(messages) > 500  # the extraction found the interface's messages
    assert any(isinstance(m, tuple) for m in messages)  # ... plurals among them
    assert not missing, f"{len(missing)} message(s) without Dutch:\n" + "\n".join(missing)


def test_a_translation_uses_only_the_placeholders_of_its_message():
    """A Dutch text may leave a value out (the e-mail validator's English reason), never name one the English does
    not give: that would be a KeyError on the page."""
    wrong = []
    for entry in read_catalogue():
        if not entry.id or not entry.string:
            continue
        ids = entry.id if isinstance(entry.id, tuple) else (entry.id,)
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        given = {name for text in ids for name in PLACEHOLDER.findall(text)}
        for text in strings:
            extra = set(PLACEHOLDER.findall(text)) - given
            if extra:
                wrong.append(f"{ids[0]!r}: {sorted(extra)}")
    assert not wrong, "\n".join(wrong)
