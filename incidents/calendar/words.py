"""The words of a calendar feed, in the language of the feed's owner (a user's or a controller's language): the
title and the description of an event say the same thing in one language."""

from __future__ import annotations

WORDS = {
    "nl": {
        "kinds": {
            "controller_notice": "Melding aan verwerkingsverantwoordelijke",
            "controller_consultation": "Overleg met verwerkingsverantwoordelijke",
            "awareness_notice": "Melding bij kennisname (vermoeden of beveiligingsinbreuk)",
            "investigation_report": "Rapportage van het onderzoek",
            "authority_contact_notice": "Informeren over contact met een andere autoriteit",
            "ap_notification": "Melding aan de AP",
        },
        "authority_kind": "Melding aan de {authority}",
        "owners": {"processor": "de verwerker", "controller": "de verwerkingsverantwoordelijke"},
        "overdue": "TE LAAT",
        "about": "{kind} voor incident {reference} ({controller}).",
        "due": "Uiterlijk: {due} (Amsterdamse tijd).",
        "clause": "Bepaling: {clause}.",
        "owed": "Te doen door {owner}.",
        "missed": "Status: de termijn is verstreken zonder vastgelegde melding (te laat).",
        "alarm": "{summary} (nog {hours} uur)",
    },
    "en": {
        "kinds": {
            "controller_notice": "Notice to the controller",
            "controller_consultation": "Consultation with the controller",
            "awareness_notice": "Notice on awareness (suspicion or security breach)",
            "investigation_report": "Report of the investigation",
            "authority_contact_notice": "Informing of a contact with another authority",
            "ap_notification": "Notification to the Dutch DPA (Autoriteit Persoonsgegevens)",
        },
        "authority_kind": "Notification to the {authority}",
        "owners": {"processor": "the processor", "controller": "the controller"},
        "overdue": "OVERDUE",
        "about": "{kind} for incident {reference} ({controller}).",
        "due": "Due: {due} (Europe/Amsterdam).",
        "clause": "Clause: {clause}.",
        "owed": "Owed by {owner}.",
        "missed": "Status: the deadline has passed without a filing (overdue).",
        "alarm": "{summary} ({hours} h left)",
    },
}


def words(language: str) -> dict:
    return WORDS["en" if language == "en" else "nl"]
