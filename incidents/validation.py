"""Small checks shared by services (and so by forms and the API alike)."""

from __future__ import annotations

import re
from typing import TypeGuard

from email_validator import EmailNotValidError, validate_email

from .core.text import UNSTORABLE_MESSAGES, unstorable
from .errors import N_, Term, ValidationFailed

KVK_PATTERN = re.compile(r"^\d{8}$")
# The largest id any of our databases can hold: id columns are INTEGER, 32 bits on PostgreSQL. A larger number
# is no id anywhere, and PostgreSQL refuses to compare it with an INTEGER column ("integer out of range").
MAX_ID = 2**31 - 1


def is_id(value: object) -> TypeGuard[int]:
    """An integer that can be a row id (not a bool, positive, within 32 bits)."""
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_ID


def parse_id(text: str | None) -> int | None:
    """A row id from query-string text, or None when it cannot be one (ASCII digits only)."""
    if not text or not text.isascii() or not text.isdigit():
        return None
    value = int(text)
    return value if is_id(value) else None


# The words a page uses for a field a service names by its key (the API's messages keep the key).
FIELD_WORDS = {
    "established_at": N_("breach established for these contracts at"),
    "authority_action_at": N_("learned of the investigation or seizure by authorities at"),
    "title": N_("title"),
    "description": N_("description"),
    "name": N_("name"),
    "reference": N_("reference"),
    "reason": N_("reason"),
    "note": N_("note"),
    "internal_note": N_("internal note"),
    "services": N_("services"),
    "data_categories": N_("categories of personal data"),
    "profile": N_("clause profile"),
    "function": N_("function"),
    "url": N_("URL"),
    "channel": N_("channel"),
    "next_update": N_("next update"),
    "contact_email": N_("e-mail address"),
    "breach_contact_email": N_("e-mail address of the contract's breach contact"),
    "breach_contact_name": N_("name of the contract's breach contact"),
    "e-mail address": N_("e-mail address"),
    "email": N_("e-mail address"),
    "contact_name": N_("contact person"),
    "contact_function": N_("contact person's function"),
    "contact_phone": N_("telephone number"),
    "address": N_("address"),
    "sector": N_("sector"),
    "dpo_registration": N_("DPO registration number"),
    "legal_basis": N_("legal basis"),
    "joint_controllers": N_("joint controllers"),
    "subjects_contact": N_("contact point for data subjects"),
    "kvk": N_("KvK number"),
    "country": N_("country"),
    "main_establishment": N_("main establishment"),
    "language": N_("language"),
    "nature": N_("nature of the breach"),
    "cause": N_("cause"),
    "affected_data": N_("affected personal data"),
    "data_subjects": N_("data subjects"),
    "records": N_("number of records"),
    "consequences": N_("consequences"),
    "measures": N_("measures"),
    "informed_parties": N_("who has been informed"),
    "contact_point": N_("contact point"),
    "decision_maker": N_("decision maker"),
    "aware_at": N_("the moment of becoming aware"),
    "confirmed_at": N_("the moment of confirmation"),
    "at": N_("the moment"),
    "started_at": N_("the start of the breach"),
    "ended_at": N_("the end of the breach"),
    "sub_processor_aware_at": N_("the moment the sub-processor became aware"),
    "informed_at": N_("the moment the processor was informed"),
    "reporter_name": N_("name of who reported it"),
    "q": N_("search text"),
    "text": N_("text"),
}


def term(field: str) -> Term:
    """A field's key as a placeholder value: the key in English, its word on a page ("fields.cause" is "cause")."""
    return Term(field, FIELD_WORDS.get(field.rsplit(".", 1)[-1]) or FIELD_WORDS.get(field))


A_KEY = Term("a key", N_("a field name"))  # what holds a text that is the name of a field itself


def refuse_unstorable(text: str, field: str | None, holder: Term | None = None) -> None:
    """Refuse (422, code invalid_text) a text holding a NUL byte or an unpaired surrogate: no database stores it
    (PostgreSQL refuses NUL, and a surrogate cannot be encoded at all). `holder` names what holds it in the
    message; by default the field itself."""
    kind = unstorable(text)
    if kind is not None:
        label = holder if holder is not None else term(field or "text")
        raise ValidationFailed(UNSTORABLE_MESSAGES[kind], field, "invalid_text", {"field": label})


def refuse_unstorable_json(data: object) -> None:
    """Every string of a parsed JSON document, keys included, in document order: the first one that cannot be
    stored is refused, named by its path ("fields.cause", "contract_ids[2]"; a key by the object that holds it).
    Iterative: the parser's own nesting limit is the only one."""
    stack: list[tuple[str, object]] = [("", data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            refuse_unstorable(value, path or None)
        elif isinstance(value, dict):
            for key in value:
                if unstorable(key) is not None:
                    refuse_unstorable(key, path or None, Term(f"a key of {path}") if path else A_KEY)
            stack.extend((f"{path}.{key}" if path else key, item) for key, item in reversed(value.items()))
        elif isinstance(value, list):
            stack.extend((f"{path}[{i}]", item) for i, item in reversed(list(enumerate(value))))


def required_text(value: object, field: str, max_length: int, label: str | None = None) -> str:
    text = clean_text(value, field, max_length)
    if not text:
        raise ValidationFailed(N_("%(field)s is required"), field, "required", {"field": term(label or field)})
    return text


def clean_text(value: object, field: str, max_length: int) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationFailed(N_("%(field)s must be text"), field, "invalid_type", {"field": term(field)})
    refuse_unstorable(value, field)
    text = value.strip()
    if len(text) > max_length:
        raise ValidationFailed(
            N_("%(field)s is longer than %(max)d characters"),
            field,
            "too_long",
            {"field": term(field), "max": max_length},
        )
    return text


def email_address(value: object, field: str = "contact_email") -> str:
    text = required_text(value, field, 254, "e-mail address")
    try:
        return validate_email(text, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise ValidationFailed(
            N_("'%(value)s' is not a valid e-mail address: %(reason)s"),
            field,
            "invalid_email",
            {"value": text, "reason": str(exc)},  # the validator's reason is English: a page leaves it out
        ) from None


def kvk_number(value: object, field: str = "kvk") -> str | None:
    text = clean_text(value, field, 20).replace(" ", "")
    if not text:
        return None
    if not KVK_PATTERN.match(text):
        raise ValidationFailed(N_("a KvK number has exactly 8 digits"), field, "invalid_kvk")
    return text


def language(value: object, field: str = "language") -> str:
    text = clean_text(value, field, 5) or "nl"
    if text not in ("nl", "en"):
        raise ValidationFailed(N_("language must be 'nl' or 'en'"), field, "invalid_language")
    return text
