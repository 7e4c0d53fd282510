"""The request bodies of the OpenAPI document and, per operation, the rules a request can break while matching its
schema (openapi.py attaches them to the operation's 422 as ``x-rules``).

Each schema says what the route and its service accept: the same required keys, types, choices, lengths and
combinations (JSON Schema ``if``/``then`` where one value decides what another must be). A key the route does not
read is accepted and ignored unless the schema says ``additionalProperties: false`` (the routes that refuse unknown
keys). An ``x-rules`` entry names a refusal that depends on what is stored (an id that does not exist, the
incident's own times), on the clock, or on the caller; its ``code`` and ``field`` are those of the 422 error.
"""

from __future__ import annotations

from ..breaches.models import AP_FOLLOW_UPS, DECISION_VIA, FILING_KINDS, NOTIFY_AP_CHOICES, SUBJECTS_GROUNDS
from ..breaches.models import REPORTER_KINDS as INCIDENT_REPORTER_KINDS
from ..core.ap_form import (
    CROSS_BORDER,
    INCIDENT_KINDS,
    MAX_DETAIL_TEXT,
    MAX_SUBJECTS,
    PROTECTIONS,
    REPORTER_KINDS,
    SUBJECT_GROUPS,
)
from ..core.authorities import COUNTRY_CODES
from ..core.fields import FIELD_KEYS, MAX_DESCRIPTION_LENGTH, MAX_FIELD_LENGTH, MAX_TITLE_LENGTH
from ..core.profiles import CHANNELS
from ..core.scope import DATA_CATEGORIES, MAX_COUNT, MAX_NOTE, SPECIAL_CATEGORIES
from ..notices.models import NOTICE_VERSIONS
from ..parties.service import LEGAL_BASES
from .openapi_inputs import (
    ID,
    ID_LIST,
    INSTANT,
    INSTANT_WORDS,
    NOT_SPACE,
    NULLABLE_ID,
    NULLABLE_INSTANT,
    SPACE,
    countries,
    country_choice,
    removable,
    text,
    trimmed_choice,
)

AUTHORITY_ACTION = (
    "when the processor learned of an investigation into or seizure of the personal data by authorities, or a "
    "suspicion of one: a breach in itself under contracts that say so (BOZ art. 1.2 a, limb i), whose clocks start "
    "then."
)


def _when(key: str, *values: object) -> dict:
    """An ``if`` that holds when the body has ``key`` with one of ``values``."""
    condition = {"const": values[0]} if len(values) == 1 else {"enum": list(values)}
    return {"properties": {key: condition}, "required": [key]}


def _null(description: str = "") -> dict:
    return {"type": "null", **({"description": description} if description else {})}


EMAIL_WORDS = (
    "An e-mail address as RFC 5322 has it (the domain not a special-use one such as .test or .local), at most 254 "
    "characters."
)
EMAIL = {"type": "string", "format": "email", "maxLength": 254, "description": EMAIL_WORDS}
BLANK = {"type": "string", "pattern": f"^{SPACE}*$"}
NON_BLANK = {"type": "string", "pattern": NOT_SPACE}  # (unanchored: somewhere a character that is not white space)

CONTROLLER_TEXTS = {
    "contact_name": 200,
    "contact_function": 200,
    "contact_phone": 40,
    "address": 300,
    "sector": 200,
    "dpo_registration": 40,
    "joint_controllers": 2000,
    "subjects_contact": 2000,
}

FIELDS = {
    "type": ["object", "null"],
    "additionalProperties": False,
    "properties": {key: text(MAX_FIELD_LENGTH) for key in FIELD_KEYS},
    "description": "Field values by key; an empty text clears the field.",
}

TEXT_DETAIL = text(MAX_DETAIL_TEXT, nullable=False)
DETAILS = {
    "type": ["object", "null"],
    "additionalProperties": False,
    "properties": {
        "incident_kind": removable({"enum": list(INCIDENT_KINDS)}),
        "started_at": removable(INSTANT),
        "ended_at": removable(INSTANT),
        "discovery": removable(TEXT_DETAIL),
        "protection": removable({"enum": list(PROTECTIONS)}),
        "subjects_min": removable({"type": "integer", "minimum": 0, "maximum": MAX_SUBJECTS}),
        "subjects_max": removable({"type": "integer", "minimum": 0, "maximum": MAX_SUBJECTS}),
        "subject_groups": removable({"type": "array", "items": {"enum": list(SUBJECT_GROUPS)}}),
        "cross_border": removable({"enum": list(CROSS_BORDER)}),
        "reporter_kind": removable({"enum": list(REPORTER_KINDS)}),
        "reported_by": removable(TEXT_DETAIL),
        "recovery": removable(TEXT_DETAIL),
        "other_supervisors": removable(TEXT_DETAIL),
        "attachments": removable(TEXT_DETAIL),
    },
    "description": "What the AP's form asks beyond the contract fields; every key optional, null (or an empty text "
    "or list) removes it, an absent key stays. ended_at not before started_at, subjects_max not below "
    "subjects_min (with the stored values).",
}

CONTRACT_KINDS = ("controller_notice", "controller_consultation", "data_subject_communication")
AP_KINDS = ("ap_notification", "ap_follow_up")

REQUESTS: dict[str, dict] = {
    "NewController": {
        "type": "object",
        "required": ["name", "contact_email"],
        "properties": {
            "name": text(200, required=True),
            "contact_email": {**EMAIL, "description": EMAIL_WORDS + " White space around it is removed."},
            "kvk": {
                "type": ["string", "null"],
                "pattern": f"^{SPACE}*(?:(?:[0-9] ?){{7}}[0-9])?{SPACE}*$",
                "description": "The KvK number: 8 digits (single spaces between them are ignored); empty or null: "
                "none. White space around it is removed.",
            },
            "language": trimmed_choice(("nl", "en"), empty="nl", nullable=True),
            "legal_basis": trimmed_choice(LEGAL_BASES, empty="AVG", nullable=True),
            **{name: text(length) for name, length in CONTROLLER_TEXTS.items()},
            "country": country_choice(COUNTRY_CODES, empty="NL"),
            # the EU/EEA states of config/authorities.toml: filled in when the document is served (openapi.py)
            "main_establishment": {"type": ["string", "null"]},
            "is_processor": {
                "type": ["boolean", "null"],
                "default": False,
                "description": "the customer is itself a processor: its notices tell it to inform its own "
                "controllers without undue delay (AVG art. 33 lid 2), and its portal users can forward them",
            },
        },
    },
    "NewContract": {
        "type": "object",
        "required": ["controller_id", "profile", "reference"],
        "properties": {
            "controller_id": ID,
            # the keys of the clause profiles this desk has: filled in when the document is served (openapi.py)
            "profile": {"type": "string"},
            "reference": text(64, required=True, description="unique among the contracts"),
            "services": text(2000),
            "data_categories": text(2000),
            "breach_contact_name": text(200),
            "breach_contact_email": {
                "anyOf": [{"type": "null"}, BLANK, EMAIL],
                "description": "The contract's own breach contact (BOZ Bijlage 3); empty: the controller's "
                "contact_email receives its notices. Required with breach_contact_name.",
            },
        },
        "allOf": [
            {
                "if": {"properties": {"breach_contact_name": NON_BLANK}, "required": ["breach_contact_name"]},
                "then": {"required": ["breach_contact_email"], "properties": {"breach_contact_email": EMAIL}},
            }
        ],
    },
    "NewIncident": {
        "type": "object",
        "required": ["title"],
        "anyOf": [
            {"required": ["aware_at"]},
            {"required": ["informed_at"], "properties": {"informed_at": INSTANT}},
        ],
        "properties": {
            "title": text(MAX_TITLE_LENGTH, required=True),
            "description": text(MAX_DESCRIPTION_LENGTH),
            "aware_at": INSTANT,
            "status": {"enum": ["suspected", "confirmed"], "default": "suspected"},
            "confirmed_at": {
                **NULLABLE_INSTANT,
                "description": "Only with status confirmed (default: aware_at); not before aware_at. " + INSTANT_WORDS,
            },
            "contract_ids": {"type": ["array", "null"], "items": ID, "description": "the affected contracts"},
            "fields": FIELDS,
            "details": DETAILS,
            "authority_action_at": {**NULLABLE_INSTANT, "description": AUTHORITY_ACTION + " Not before aware_at."},
            "informed_at": {
                **NULLABLE_INSTANT,
                "description": "when the processor was informed by whoever reported the incident: its aware_at (give "
                "either, or both the same). " + INSTANT_WORDS,
            },
            "reporter_kind": {
                "enum": [*INCIDENT_REPORTER_KINDS, None],
                "description": "who reported the incident to the processor (the Addendum's Annex B); null: not "
                "recorded. Needed for reporter_name, sub_processor_id and sub_processor_aware_at.",
            },
            "reporter_name": {
                **text(200),
                "description": "the name of who reported it; required unless reporter_kind is sub_processor",
            },
            "sub_processor_id": {
                **NULLABLE_ID,
                "description": "with reporter_kind sub_processor (required then): a sub-processor of the "
                "processor's list (the staff page Sub-processors); refused with any other kind",
            },
            "sub_processor_aware_at": {
                **NULLABLE_INSTANT,
                "description": "with reporter_kind sub_processor: when the sub-processor itself became aware; not in "
                "the future, not after informed_at. " + INSTANT_WORDS,
            },
        },
        "if": _when("status", "confirmed"),
        "else": {"properties": {"confirmed_at": _null("a suspected incident has no confirmed_at")}},
    },
    "IncidentPatch": {
        "type": "object",
        "additionalProperties": False,
        "description": "Every key optional; null or an absent key leaves the value as it is.",
        "properties": {
            "title": text(MAX_TITLE_LENGTH, required=True, nullable=True),
            "description": text(MAX_DESCRIPTION_LENGTH),
            "fields": FIELDS,
            "details": DETAILS,
            "internal_note": text(MAX_DESCRIPTION_LENGTH, description="the processor's own; never sent"),
            "authority_action_at": {
                **NULLABLE_INSTANT,
                "description": AUTHORITY_ACTION + " Recorded once (409 already_recorded), not before aware_at.",
            },
        },
    },
    "IncidentContracts": {
        "type": "object",
        "additionalProperties": False,
        "required": ["contract_ids"],
        "properties": {
            "contract_ids": ID_LIST,
            "established_at": {
                **NULLABLE_INSTANT,
                "description": "for contracts added after the breach was established: when it was established for "
                "them (default: now; not before confirmed_at); their confirmed-trigger deadlines start then. Refused "
                "while the incident is suspected.",
            },
        },
    },
    "Confirm": {
        "type": "object",
        "properties": {"confirmed_at": {**NULLABLE_INSTANT, "description": "default now; not before aware_at"}},
    },
    "AnchorCorrection": {
        "type": "object",
        "required": ["field", "value", "reason"],
        "properties": {
            "field": {"enum": ["aware_at", "confirmed_at"]},
            "value": {**INSTANT, "description": "earlier than the current value; " + INSTANT_WORDS},
            "reason": text(MAX_DESCRIPTION_LENGTH, required=True),
        },
    },
    "AcceptInbound": {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "title": text(MAX_TITLE_LENGTH, description="the incident's title; default the message's subject"),
        },
    },
    "RejectInbound": {
        "type": "object",
        "required": ["reason"],
        "additionalProperties": False,
        "properties": {"reason": text(2000, required=True)},
    },
    "Dismiss": {
        "type": "object",
        "required": ["reason"],
        "properties": {"reason": text(MAX_DESCRIPTION_LENGTH, required=True)},
    },
    "NewFiling": {
        "type": "object",
        "required": ["kind"],
        "description": "What a kind needs: controller_notice, controller_consultation and data_subject_communication "
        "a contract_id (and a controller_id, if given, that is the contract's); authority_contact a controller_id "
        "and a note; ap_notification a controller_id and the AP's reference; ap_follow_up those and follow_up. "
        "A key a kind does not use is ignored, except follow_up.",
        "properties": {
            "kind": {"enum": list(FILING_KINDS)},
            "at": {**NULLABLE_INSTANT, "description": "default now; not before aware_at. " + INSTANT_WORDS},
            "contract_id": {"description": "see kind"},
            "controller_id": {"description": "see kind"},
            "channel": text(40, description="controller_notice: one of " + ", ".join(CHANNELS) + " (default email)"),
            "reference": text(100, description="the AP's reference (meldnummer)"),
            "note": text(MAX_FIELD_LENGTH),
            "follow_up": {"enum": [*AP_FOLLOW_UPS, None], "description": "only with kind ap_follow_up"},
        },
        "allOf": [
            {
                "if": _when("kind", *CONTRACT_KINDS),
                "then": {"required": ["contract_id"], "properties": {"contract_id": ID, "controller_id": NULLABLE_ID}},
            },
            {
                "if": _when("kind", "controller_notice"),
                "then": {"properties": {"channel": trimmed_choice(CHANNELS, empty="email", nullable=True)}},
            },
            {
                "if": _when("kind", "authority_contact", *AP_KINDS),
                "then": {"required": ["controller_id"], "properties": {"controller_id": ID}},
            },
            {
                "if": _when("kind", "authority_contact"),
                "then": {"required": ["note"], "properties": {"note": text(MAX_FIELD_LENGTH, required=True)}},
            },
            {
                "if": _when("kind", *AP_KINDS),
                "then": {"required": ["reference"], "properties": {"reference": text(100, required=True)}},
            },
            {
                "if": _when("kind", "ap_follow_up"),
                "then": {"required": ["follow_up"], "properties": {"follow_up": {"enum": list(AP_FOLLOW_UPS)}}},
                "else": {"properties": {"follow_up": {"type": "null"}}},
            },
        ],
    },
    "NewDecision": {
        "type": "object",
        "required": ["controller_id", "notify_ap"],
        "properties": {
            "controller_id": ID,
            "notify_ap": {"enum": list(NOTIFY_AP_CHOICES)},
            "reason": text(MAX_DESCRIPTION_LENGTH, description="required with notify_ap no"),
            "inform_data_subjects": {"enum": ["yes", "no", None]},
            "data_subjects_ground": {
                "enum": [*SUBJECTS_GROUNDS, None],
                "description": "required when inform_data_subjects is no, and given only then",
            },
            "decision_maker": {
                "type": ["object", "null"],
                "additionalProperties": False,
                "properties": {
                    "name": text(200),
                    "function": text(200),
                    "via": {"enum": [*DECISION_VIA, None]},
                },
                "description": "who at the controller decided and how the processor learned it: name and via are "
                "required when processor staff record the decision (422 required); a controller user is the decision "
                "maker itself (its name, via portal; only function is taken from here)",
            },
            "processor_informs": {
                "enum": [True, False, None],
                "description": "with inform_data_subjects yes: the controller instructs the processor to inform them "
                "on its behalf (BOZ 5.6 'anderszins overeengekomen', Addendum 6.1 'op aanwijzing van de Klant')",
            },
        },
        "allOf": [
            {"if": _when("notify_ap", "no"), "then": {"required": ["reason"], "properties": {"reason": NON_BLANK}}},
            {
                "if": _when("inform_data_subjects", "no"),
                "then": {
                    "required": ["data_subjects_ground"],
                    "properties": {"data_subjects_ground": {"enum": list(SUBJECTS_GROUNDS)}},
                },
                "else": {"properties": {"data_subjects_ground": {"type": "null"}}},
            },
            {
                "if": _when("processor_informs", True),
                "then": {
                    "required": ["inform_data_subjects"],
                    "properties": {"inform_data_subjects": {"const": "yes"}},
                },
            },
        ],
    },
    "ScopeChange": {
        "type": "object",
        "additionalProperties": False,
        "description": "One controller's own share of the incident: a key given replaces, null (or an empty text "
        "or list) removes, an absent key stays. A minimum may not exceed its maximum (with the stored values).",
        "properties": {
            **{
                key: removable({"type": "integer", "minimum": 0, "maximum": MAX_COUNT})
                for key in ("subjects_min", "subjects_max", "records_min", "records_max")
            },
            "subject_groups": removable({"type": "array", "items": {"enum": list(SUBJECT_GROUPS)}}),
            "data_categories": removable({"type": "array", "items": {"enum": list(DATA_CATEGORIES)}}),
            "special_categories": removable({"type": "array", "items": {"enum": list(SPECIAL_CATEGORIES)}}),
            "countries": removable({"type": "array", "items": countries()}),
            "note": removable(text(MAX_NOTE, nullable=False, description="what only this controller is told")),
        },
    },
    "NoticeRequest": {
        "type": "object",
        "additionalProperties": False,
        "description": "controller_ids, or all: true (controller_ids is then ignored). An initial or final notice "
        "is issued once per controller: asking again returns the existing outbox entry.",
        "properties": {
            "controller_ids": {"description": "affected controllers' ids; see all"},
            "all": {"type": ["boolean", "null"]},
            "version": {"enum": list(NOTICE_VERSIONS), "default": "initial"},
            "next_update": text(500),
        },
        "if": _when("all", True),
        "else": {"required": ["controller_ids"], "properties": {"controller_ids": ID_LIST}},
    },
}

# --- the rules a schema-valid request can break, per operation ---------------------------------------------------

LOCAL_TIME = (
    ("nonexistent_local_time", "the local time (no offset) does not exist: the clocks skipped it"),
    ("ambiguous_local_time", "the local time (no offset) occurred twice: the clocks went back"),
)


def _instant_rules(*fields: str) -> list[dict]:
    found = [{"code": "in_future", "field": f, "rule": "lies in the future"} for f in fields]
    return found + [{"code": code, "field": f, "rule": rule} for f in fields for code, rule in LOCAL_TIME]


DETAIL_RULES = [
    *_instant_rules("details.started_at", "details.ended_at"),
    {"code": "before_start", "field": "details.ended_at", "rule": "ended_at lies before started_at"},
    {"code": "below_minimum", "field": "details.subjects_max", "rule": "subjects_max is below subjects_min"},
]

RULES: dict[tuple[str, str], list[dict]] = {
    ("/controllers", "post"): [
        {"code": "invalid_email", "field": "contact_email", "rule": "not an address as RFC 5322 and DNS have it"},
    ],
    ("/contracts", "post"): [
        {"code": "unknown_controller", "field": "controller_id", "rule": "there is no such controller"},
        {"code": "duplicate", "field": "reference", "rule": "another contract has this reference"},
        {"code": "invalid_email", "field": "breach_contact_email", "rule": "not an address as RFC 5322 has it"},
    ],
    ("/incidents", "post"): [
        *_instant_rules("aware_at", "confirmed_at", "authority_action_at", "informed_at", "sub_processor_aware_at"),
        {"code": "before_aware_at", "field": "confirmed_at", "rule": "confirmed_at lies before aware_at"},
        {"code": "before_aware_at", "field": "authority_action_at", "rule": "lies before aware_at"},
        {"code": "informed_at_differs", "field": "informed_at", "rule": "informed_at and aware_at differ"},
        {"code": "required", "field": "reporter_kind", "rule": "a reporter field without reporter_kind"},
        {"code": "required", "field": "reporter_name", "rule": "no name, and the reporter is no sub-processor"},
        {"code": "required", "field": "sub_processor_id", "rule": "reporter_kind sub_processor without one"},
        {"code": "unknown_sub_processor", "field": "sub_processor_id", "rule": "there is no such sub-processor"},
        {"code": "not_sub_processor", "field": "sub_processor_id", "rule": "given with another reporter_kind"},
        {"code": "not_sub_processor", "field": "sub_processor_aware_at", "rule": "given with another reporter_kind"},
        {"code": "after_informed_at", "field": "sub_processor_aware_at", "rule": "lies after informed_at"},
        {"code": "unknown_contract", "field": "contract_ids", "rule": "a contract id that does not exist"},
        {
            "code": "unknown_profile",
            "field": "contract_ids",
            "rule": "a contract's clause profile is no longer configured",
        },
        *DETAIL_RULES,
    ],
    ("/incidents/{incident_id}", "patch"): [
        *_instant_rules("authority_action_at"),
        {"code": "before_aware_at", "field": "authority_action_at", "rule": "lies before aware_at"},
        *DETAIL_RULES,
    ],
    ("/incidents/{incident_id}/contracts", "post"): [
        {"code": "unknown_contract", "field": "contract_ids", "rule": "a contract id that does not exist"},
        {
            "code": "unknown_profile",
            "field": "contract_ids",
            "rule": "a contract's clause profile is no longer configured",
        },
        {"code": "not_confirmed", "field": "established_at", "rule": "the incident is only suspected"},
        {"code": "before_confirmed_at", "field": "established_at", "rule": "lies before confirmed_at"},
        *_instant_rules("established_at"),
    ],
    ("/incidents/{incident_id}/confirm", "post"): [
        *_instant_rules("confirmed_at"),
        {"code": "before_aware_at", "field": "confirmed_at", "rule": "lies before aware_at"},
    ],
    ("/incidents/{incident_id}/corrections", "post"): [
        *_instant_rules("value"),
        {"code": "not_earlier", "field": "value", "rule": "not earlier than the current value"},
        {"code": "before_aware_at", "field": "value", "rule": "a confirmed_at before aware_at"},
    ],
    ("/incidents/{incident_id}/filings", "post"): [
        *_instant_rules("at"),
        {"code": "before_aware_at", "field": "at", "rule": "lies before aware_at"},
        {"code": "not_affected", "field": "contract_id", "rule": "the contract is not affected by the incident"},
        {"code": "not_affected", "field": "controller_id", "rule": "the controller is not affected by the incident"},
        {"code": "mismatch", "field": "controller_id", "rule": "the contract belongs to another controller"},
        {"code": "not_in_contract", "field": "kind", "rule": "the contract's clause has no consultation obligation"},
        {"code": "unknown_reference", "field": "reference", "rule": "ap_follow_up: no AP notification has it"},
        {"code": "before_notification", "field": "at", "rule": "ap_follow_up: before the AP notification"},
    ],
    ("/incidents/{incident_id}/decisions", "post"): [
        {"code": "not_affected", "field": "controller_id", "rule": "the controller is not affected by the incident"},
        {
            "code": "required",
            "field": "decision_maker",
            "rule": "processor staff recording the decision say who decided (name) and how they learned it (via)",
        },
    ],
    ("/incidents/{incident_id}/controllers/{controller_id}/scope", "put"): [
        {"code": "below_minimum", "field": "subjects_max", "rule": "subjects_max is below subjects_min"},
        {"code": "below_minimum", "field": "records_max", "rule": "records_max is below records_min"},
    ],
    ("/incidents/{incident_id}/scopes", "put"): [
        {"code": "invalid_csv", "field": "file", "rule": "the CSV has bad lines (each listed in error.lines)"},
    ],
    ("/incidents/{incident_id}/notices", "post"): [
        {"code": "not_affected", "field": "controller_ids", "rule": "a controller not affected by the incident"},
        {"code": "required", "field": "controller_ids", "rule": "all: true, and the incident affects no controller"},
    ],
    ("/register", "get"): [
        {"code": "unknown_controller", "field": "controller_id", "rule": "there is no such controller"},
        {"code": "invalid_period", "field": "from", "rule": "from lies after to"},
    ],
}
