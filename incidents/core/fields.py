"""The required-field keys shared by profiles, forms, documents and the API (see docs/PROFILES.md)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

FIELD_KEYS: tuple[str, ...] = (
    "nature",
    "cause",
    "affected_data",
    "data_subjects",
    "records",
    "consequences",
    "measures",
    "informed_parties",
    "contact_point",
)

# Dutch label, English label. The Dutch wording follows the contracts and the AP's form.
FIELD_LABELS: dict[str, tuple[str, str]] = {
    "nature": ("Aard van de inbreuk", "Nature of the breach"),
    "cause": ("(Vermeende) oorzaak", "(Suspected) cause"),
    "affected_data": ("Getroffen persoonsgegevens (categorieën)", "Affected personal data (categories)"),
    "data_subjects": ("Betrokkenen (categorieën en aantal)", "Data subjects (categories and number)"),
    "records": ("Aantal records (bij benadering)", "Number of records (approximate)"),
    "consequences": ("Geconstateerde en vermoedelijke gevolgen", "Established and likely consequences"),
    "measures": ("Genomen of voorgenomen maatregelen", "Measures taken or proposed"),
    "informed_parties": ("Wie is geïnformeerd", "Who has been informed"),
    "contact_point": ("Contactpunt (FG of ander contactpunt)", "Contact point (DPO or other)"),
}

MAX_FIELD_LENGTH = 5000
MAX_TITLE_LENGTH = 200
MAX_DESCRIPTION_LENGTH = 10000


def label(key: str, language: str = "nl") -> str:
    dutch, english = FIELD_LABELS[key]
    return english if language == "en" else dutch


def missing_fields(required: Iterable[str], values: Mapping[str, str | None]) -> list[str]:
    """The required keys whose value is absent or only white space, in the canonical order."""
    wanted = set(required)
    return [key for key in FIELD_KEYS if key in wanted and not (values.get(key) or "").strip()]
