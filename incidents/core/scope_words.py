"""The words documents use for a controller's scope, in Dutch and English. Documents are rendered outside requests
(by the outbox sender too), so these live here rather than in the UI catalogue. Pure: no Flask, no database."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from .ap_options import OPTIONS
from .scope import Range, country_name, records, subjects

# AP form chapter 6 (general kinds of personal data) and AVG art. 9 lid 1 (special categories).
CATEGORY_LABELS: dict[str, tuple[str, str]] = {
    "name": ("Naam", "Name"),
    "gender": ("Geslacht", "Gender"),
    "birth_date": ("Geboortedatum", "Date of birth"),
    "bsn": ("Burgerservicenummer (BSN)", "Citizen service number (BSN)"),
    "contact": ("Contactgegevens", "Contact details"),
    "address": ("Adres", "Address"),
    "email": ("E-mailadres", "E-mail address"),
    "phone": ("Telefoonnummer", "Phone number"),
    "login": ("Inloggegevens", "Login details"),
    "financial": ("Financiële gegevens", "Financial data"),
    "iban": ("Rekeningnummer (IBAN)", "Bank account number (IBAN)"),
    "credit_card": ("Creditcardgegevens", "Credit card data"),
    "debts": ("Gegevens over schulden", "Data about debts"),
    "benefits": ("Gegevens over uitkeringen", "Data about benefits"),
    "id_copy": ("Kopie identiteitsbewijs", "Copy of an identity document"),
    "location": ("Locatiegegevens", "Location data"),
    "criminal": ("Strafrechtelijke gegevens", "Criminal-law data"),
    "unknown": ("Nog onbekend welke gegevens", "Not yet known which data"),
    "other": ("Andere gegevens", "Other data"),
    "racial_ethnic": ("Ras of etnische afkomst", "Racial or ethnic origin"),
    "political": ("Politieke opvattingen", "Political opinions"),
    "religion": ("Religieuze of levensbeschouwelijke overtuigingen", "Religious or philosophical beliefs"),
    "trade_union": ("Lidmaatschap van een vakbond", "Trade union membership"),
    "genetic": ("Genetische gegevens", "Genetic data"),
    "biometric": ("Biometrische gegevens (voor identificatie)", "Biometric data (for identification)"),
    "health": ("Gezondheidsgegevens", "Health data"),
    "sex_life": ("Seksueel gedrag of seksuele gerichtheid", "Sex life or sexual orientation"),
}
# The AP form's groups of data subjects, in the form's own words.
GROUP_LABELS: dict[str, tuple[str, str]] = OPTIONS["subject_groups"]
WORDS = {
    "nl": {
        "exact": "exact {n}",
        "range": "minimaal {low}, maximaal {high}",
        "at_least": "minimaal {low}",
        "at_most": "maximaal {high}",
        "subjects": "Aantal betrokkenen",
        "records": "Aantal records",
        "groups": "Groepen betrokkenen",
        "categories": "Soorten persoonsgegevens",
        "special": "Bijzondere persoonsgegevens (AVG art. 9)",
        "countries": "Landen van de betrokkenen",
        "note": "Toelichting voor uw organisatie",
        "note_processor": "Toelichting alleen voor deze verwerkingsverantwoordelijke",
        "none": "geen",
    },
    "en": {
        "exact": "exactly {n}",
        "range": "at least {low}, at most {high}",
        "at_least": "at least {low}",
        "at_most": "at most {high}",
        "subjects": "Number of data subjects",
        "records": "Number of records",
        "groups": "Groups of data subjects",
        "categories": "Kinds of personal data",
        "special": "Special categories of personal data (GDPR Art. 9)",
        "countries": "Countries of the data subjects",
        "note": "Note for your organisation",
        "none": "none",
    },
}


def _lang(language: str) -> str:
    return "en" if language == "en" else "nl"


def number(n: int, language: str = "nl") -> str:
    """A whole number with the language's thousands separator (12.000 in Dutch, 12,000 in English)."""
    text = f"{n:,}"
    return text.replace(",", ".") if _lang(language) == "nl" else text


def range_text(value: Range, language: str = "nl") -> str | None:
    """'1.200' (exact), 'minimaal 1.200, maximaal 1.500', 'minimaal 1.200', or None when nothing is known."""
    w = WORDS[_lang(language)]
    low = None if value.low is None else number(value.low, language)
    high = None if value.high is None else number(value.high, language)
    if low is not None and high is not None:
        return w["exact"].format(n=low) if value.low == value.high else w["range"].format(low=low, high=high)
    if low is not None:
        return w["at_least"].format(low=low)
    if high is not None:
        return w["at_most"].format(high=high)
    return None


def labels(codes: Iterable[str], table: Mapping[str, tuple[str, str]], language: str = "nl") -> list[str]:
    index = 1 if _lang(language) == "en" else 0
    return [table[c][index] if c in table else c for c in codes]


def category_list(codes: Iterable[str], language: str = "nl") -> str | None:
    return ", ".join(labels(codes, CATEGORY_LABELS, language)) or None


def group_list(codes: Iterable[str], language: str = "nl") -> str | None:
    return ", ".join(labels(codes, GROUP_LABELS, language)) or None


def country_list(codes: Iterable[str], language: str = "nl") -> str | None:
    return ", ".join(country_name(c, language) for c in codes) or None


def scope_rows(scope: Mapping[str, object], language: str = "nl", for_processor: bool = False) -> list[tuple[str, str]]:
    """The controller's scope as (label, value) rows, only what is recorded, in a fixed order; addressed to the
    controller ("your organisation") unless shown to the processor's own staff."""
    w = WORDS[_lang(language)]
    rows = [
        (w["subjects"], range_text(subjects(scope), language)),
        (w["groups"], group_list(scope.get("subject_groups") or (), language)),  # type: ignore[arg-type]
        (w["records"], range_text(records(scope), language)),
        (w["categories"], category_list(scope.get("data_categories") or (), language)),  # type: ignore[arg-type]
        (w["special"], category_list(scope.get("special_categories") or (), language)),  # type: ignore[arg-type]
        (w["countries"], country_list(scope.get("countries") or (), language)),  # type: ignore[arg-type]
        (w["note_processor" if for_processor else "note"], scope.get("note")),
    ]
    return [(label, str(value)) for label, value in rows if value]
