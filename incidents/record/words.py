"""How documents state the record's chain heads (the words are the documents' own, Dutch and English, as in
notices/texts.py: documents are made outside requests too)."""

from __future__ import annotations

from datetime import datetime

from ..core.instants import format_local

# The chain heads a document states: (table, seq, hash), as record.service.heads gives them.
Heads = list[tuple[str, int, str]]

TEXTS = {
    "nl": {
        "heading": "Integriteit van ons dossier",
        "intro": "Wat wij vastleggen (registraties, verzonden documenten, besluiten, tijdlijn, ernstbeoordelingen, "
        "wettelijke classificaties en meldingen, toegangslog en per e-mail ontvangen meldingen) is een hashketen: "
        "elke regel is verzegeld samen met de regel ervoor. Dit waren de laatste schakels op {at}. Bewaar ze: een "
        "latere wijziging van ons dossier vóór dit moment laat zich tegen deze waarden aantonen (flask verify "
        "--witness).",
        "access_log": "Toegangslog",
        "decisions": "Besluiten",
        "documents": "Verzonden documenten",
        "filings": "Registraties",
        "notice_forwards": "Door klanten doorgestuurde meldingen",
        "regime_classifications": "Wettelijke classificaties (NIS2 e.d.)",
        "regime_filings": "Wettelijke meldingen (NIS2 e.d.)",
        "inbound_messages": "Per e-mail ontvangen meldingen",
        "inbound_reviews": "Beoordelingen van die meldingen",
        "severity_assessments": "Ernstbeoordelingen",
        "timeline_events": "Tijdlijn",
        "empty": "(nog leeg)",
    },
    "en": {
        "heading": "Integrity of our record",
        "intro": "What we record (filings, documents sent, decisions, timeline, severity assessments, statutory "
        "classifications and reports, access log and reports received by e-mail) is a hash chain: each entry is "
        "sealed together with the one before it. These were the last links at {at}. Keep them: a later change to "
        "our record before this moment can be shown against these values (flask verify --witness).",
        "access_log": "Access log",
        "decisions": "Decisions",
        "documents": "Documents sent",
        "filings": "Filings",
        "notice_forwards": "Notices forwarded by customers",
        "regime_classifications": "Statutory classifications (NIS2 etc.)",
        "regime_filings": "Statutory reports (NIS2 etc.)",
        "inbound_messages": "Reports received by e-mail",
        "inbound_reviews": "Reviews of those reports",
        "severity_assessments": "Severity assessments",
        "timeline_events": "Timeline",
        "empty": "(still empty)",
    },
}


def record_rows(heads: Heads, at: datetime, language: str) -> list[tuple[str, str]]:
    """(label, value) rows: the intro, then each chain's head hash. Only the hashes: how many rows a chain holds
    says something of other customers' incidents, and a hash alone identifies its link."""
    words = TEXTS.get(language, TEXTS["nl"])
    rows = [(words[name], digest if seq else words["empty"]) for name, seq, digest in heads]
    return [("", words["intro"].format(at=format_local(at))), *rows]


def heading(language: str) -> str:
    return TEXTS.get(language, TEXTS["nl"])["heading"]
