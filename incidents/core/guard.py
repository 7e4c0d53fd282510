"""Why the processor may not inform data subjects itself under a contract, in Dutch or English, quoting the clause.
Pure: no Flask, no database. The API's 409 says it in English (breaches/service.py data_subject_guard)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .profiles import ClauseProfile

WORDS = {
    "nl": (
        "Let op: volgens {source}, {clause} mag de verwerker de betrokkenen niet zelf over deze inbreuk "
        "informeren; de verwerkingsverantwoordelijke beslist en informeert hen.",
        " De bepaling luidt: {wording}",
    ),
    "en": (
        "Note: under {source}, {clause}, the processor may not inform the data subjects about this breach "
        "itself; the controller decides and informs them.",
        " The clause reads: {wording}",
    ),
}


def guard_text(source: str, clause: str, wording: str = "", language: str = "nl", paraphrase: bool = False) -> str:
    """Why the processor may not inform data subjects itself, in the page's language; the clause is quoted (or, for
    a profile that holds only the clause's gist, labelled as a paraphrase)."""
    from .profiles import cited

    sentence, quoted = WORDS["en" if language == "en" else "nl"]
    text = sentence.format(source=source, clause=clause)
    if not wording or not wording.strip():
        return text
    return text + quoted.format(wording=cited(wording.strip(), paraphrase, language))


def profile_guard(profile: ClauseProfile, language: str = "nl") -> str:
    """The guard of a clause profile: its data-subjects clause (or article) and that clause's own words."""
    clause = profile.data_subjects_clause or profile.article
    return guard_text(profile.source, clause, profile.data_subjects_wording or "", language, profile.paraphrase)
