"""Quotes are verbatim or labelled (issue 13, item 9; legal review §1): every wording a clause profile quotes from a
contract appears in that contract's text (docs/seeds/), after normalising whitespace and removing footnote
markers; each "…" separates fragments that must each appear, in order. A profile with no text at hand says so
(paraphrase = true) and is never shown in quotation marks."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from incidents.core.guard import profile_guard
from incidents.core.profiles import cited, load_profiles

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "docs" / "seeds"
PROFILES = load_profiles(ROOT / "config" / "profiles")
SOURCE = {
    "addendum-gegevensbescherming": "addendum-gegevensbescherming.txt",
    "citodent": "citodent-verwerkersovereenkomst.txt",
    "doctolib": "doctolib-verwerkersovereenkomst.txt",
    "boz-72h": "zivver-licentievoorwaarden-boz.txt",
}
PARAPHRASED = {"boz-24h"}  # no text of the published BOZ model is at hand
LAW = {"gdpr-art33"}  # quotes the GDPR itself, not a contract


def normalise(text: str) -> str:
    text = text.replace("\u00a0", " ")
    # footnote markers: "72 uur1" -> "72 uur", "72 uur,2 in" -> "72 uur, in"
    text = re.sub(r"(?<=[a-zA-Z])(,?)\d{1,2}(?=[\s,.;:)]|$)", r"\1", text)
    return " ".join(text.split())


def quotes(profile) -> list[tuple[str, str]]:
    found = [(f"obligations.{r.kind}.wording", r.wording) for r in profile.obligations]
    if profile.data_subjects_wording:
        found.append(("data_subjects_wording", profile.data_subjects_wording))
    if profile.channel_wording:
        found.append(("channel_wording", profile.channel_wording))
    if profile.ap_reserved_wording:
        found.append(("ap_reserved_wording", profile.ap_reserved_wording))
    if profile.authority_action_wording:
        found.append(("authority_action_wording", profile.authority_action_wording))
    if profile.ap_wording and profile.ap_clause != "AVG art. 33 lid 1":
        found.append(("ap_wording", profile.ap_wording))
    return found


def test_every_profile_is_accounted_for():
    assert set(PROFILES) == set(SOURCE) | PARAPHRASED | LAW


@pytest.mark.parametrize("key", sorted(SOURCE))
def test_every_quote_is_verbatim_from_its_contract(key):
    source = normalise((SEEDS / SOURCE[key]).read_text(encoding="utf-8"))
    profile = PROFILES[key]
    assert not profile.paraphrase
    for where, wording in quotes(profile):
        position = 0
        for fragment in (normalise(f) for f in wording.split("…")):
            if not fragment:
                continue
            found = source.find(fragment, position)
            assert found >= 0, f"{key} {where}: not in {SOURCE[key]}: {fragment!r}"
            position = found + len(fragment)


def test_the_check_finds_a_changed_word():
    source = normalise((SEEDS / SOURCE["doctolib"]).read_text(encoding="utf-8"))
    wording = normalise(PROFILES["doctolib"].obligations[0].wording)
    assert wording in source
    assert wording.replace("onverwijld", "binnen 24 uur") not in source


def test_a_paraphrase_is_labelled_and_never_quoted():
    profile = PROFILES["boz-24h"]
    assert profile.paraphrase
    shown = cited(profile.obligations[0].wording, profile.paraphrase)
    assert shown.startswith("(strekking, geen letterlijke tekst) ") and "“" not in shown
    assert "“" not in profile_guard(profile) and "(strekking, geen letterlijke tekst)" in profile_guard(profile)
    assert cited("x", False) == "“x”"


def test_the_addendum_is_cited_as_annex_c_article_c2_paragraph_9():
    profile = PROFILES["addendum-gegevensbescherming"]
    assert "Annex C art. C2 lid 9" in profile.article and "Bijlage C" not in profile.article + profile.notes
    text = (SEEDS / SOURCE["addendum-gegevensbescherming"]).read_text(encoding="utf-8")
    assert "Artikel C2 – Verplichtingen van de Dienstverlener" in text
    assert " 9. De Dienstverlener informeert de Klant zonder onredelijke vertraging" in text
