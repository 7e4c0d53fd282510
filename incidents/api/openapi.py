"""The OpenAPI 3.1 description of API v1. Tests validate real responses against these schemas and
check that every route is described, so the document cannot drift from what the endpoints do."""

from __future__ import annotations

import copy
import re
from typing import Any
from urllib.parse import quote

from flask import current_app, jsonify

from ..authorities import all_authorities
from ..breaches.models import (
    ACKNOWLEDGEMENT,
    AP_FOLLOW_UPS,
    DECISION_VIA,
    FILING_KINDS,
    INCIDENT_STATUSES,
    NOTIFY_AP_CHOICES,
    OBLIGATION_KINDS,
    SUBJECTS_GROUNDS,
)
from ..breaches.models import REPORTER_KINDS as INCIDENT_REPORTER_KINDS
from ..core.ap_form import CROSS_BORDER, INCIDENT_KINDS, PROTECTIONS, REPORTER_KINDS, SUBJECT_GROUPS
from ..core.fields import FIELD_KEYS
from ..core.profiles import NORMS
from ..core.scope import DATA_CATEGORIES, MAX_COUNT, MAX_NOTE, SPECIAL_CATEGORIES
from ..parties.service import LEGAL_BASES, MAX_REFERENCE
from ..profiles import all_profiles
from . import CONTROLLER_ENDPOINTS, PREFIX, bp
from .incidents_routes import MAX_PAGE
from .openapi_inputs import CHARACTER, DATE, NOT_SPACE, country_choice, trimmed_choice
from .openapi_inputs import ID as INPUT_ID
from .openapi_requests import AUTHORITY_ACTION, REQUESTS, RULES

INSTANT = {"type": "string", "format": "date-time", "pattern": "Z$"}
NULLABLE_INSTANT = {"type": ["string", "null"], "format": "date-time"}
TEXT_OR_NULL = {"type": ["string", "null"]}
ID = {"type": "integer"}
NULLABLE_ID = {"type": ["integer", "null"]}
OBLIGATION_STATUSES = ["pending", "running", "met", "missed", "not_required", "ended"]


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


FIELDS = {"type": "object", "properties": {k: {"type": "string"} for k in FIELD_KEYS}, "additionalProperties": False}

DETAILS = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "incident_kind": {"enum": list(INCIDENT_KINDS)},
        "started_at": INSTANT,
        "ended_at": INSTANT,
        "discovery": {"type": "string"},
        "protection": {"enum": list(PROTECTIONS)},
        "subjects_min": {"type": "integer", "minimum": 0},
        "subjects_max": {"type": "integer", "minimum": 0},
        "subject_groups": {"type": "array", "items": {"enum": list(SUBJECT_GROUPS)}},
        "cross_border": {"enum": list(CROSS_BORDER)},
        "reporter_kind": {"enum": list(REPORTER_KINDS)},
        "reported_by": {"type": "string"},
        "recovery": {"type": "string"},
        "other_supervisors": {"type": "string"},
        "attachments": {"type": "string"},
    },
    "description": "What the AP's form asks beyond the contract fields; every key optional, null removes it. "
    "Instants are returned in UTC with a Z.",
}

COUNT = {"type": ["integer", "null"], "minimum": 0, "maximum": MAX_COUNT}
SCOPE_PROPERTIES = {
    "subjects_min": COUNT,
    "subjects_max": COUNT,
    "records_min": COUNT,
    "records_max": COUNT,
    "subject_groups": {"type": ["array", "null"], "items": {"enum": list(SUBJECT_GROUPS)}},
    "data_categories": {"type": ["array", "null"], "items": {"enum": list(DATA_CATEGORIES)}},
    "special_categories": {"type": ["array", "null"], "items": {"enum": list(SPECIAL_CATEGORIES)}},
    "countries": {
        "type": ["array", "null"],
        "items": {"type": "string", "pattern": "^[A-Za-z]{2}$"},
        "description": "ISO 3166-1 alpha-2 codes",
    },
    "note": {"type": ["string", "null"], "maxLength": MAX_NOTE, "description": "what only this controller is told"},
}
SCOPE = {
    "type": "object",
    "additionalProperties": False,
    "properties": SCOPE_PROPERTIES,
    "description": "One controller's own share of the incident; every key optional, null removes it.",
}
CONTROLLER_EXTRA = {
    "contact_function": {"type": "string"},
    "contact_phone": {"type": "string"},
    "address": {"type": "string"},
    "sector": {"type": "string"},
    "dpo_registration": {"type": "string"},
    "legal_basis": {"enum": list(LEGAL_BASES)},
    "joint_controllers": {"type": "string"},
    "subjects_contact": {"type": "string"},
    "country": {"type": "string", "description": "ISO 3166-1 alpha-2 code of the country of establishment"},
    "main_establishment": {
        "type": "string",
        "description": "the EU/EEA state of the main establishment (cross-border processing); empty: the country",
    },
    "authority": {
        "type": ["object", "null"],
        "readOnly": True,
        "description": "the competent supervisory authority (read-only): the main establishment's (lead authority) "
        "or the country's; null when the controller is established outside the EEA (then every authority where "
        "affected data subjects live, EDPB Guidelines 9/2022 §73)",
        "required": ["country", "name", "short_name", "url"],
        "properties": {
            "country": {"type": "string"},
            "name": {"type": "string"},
            "short_name": {"type": "string"},
            "url": {"type": "string"},
        },
    },
    "is_processor": {
        "type": "boolean",
        "description": "the customer is itself a processor for controllers of its own (AVG art. 33 lid 2)",
    },
}

SCHEMAS = {
    "Scope": SCOPE,
    "ControllerScope": {
        "type": "object",
        "required": ["controller_id"],
        "additionalProperties": False,
        "properties": {"controller_id": ID, **SCOPE_PROPERTIES},
    },
    "DecisionMaker": {
        "type": "object",
        "required": ["name", "via"],
        "additionalProperties": False,
        "properties": {
            "name": {"type": "string", "maxLength": 200},
            "function": {"type": ["string", "null"]},
            "via": {"enum": list(DECISION_VIA)},
        },
        "description": "who at the controller decided and how the processor learned it",
    },
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "message"],
                "properties": {"code": {"type": "string"}, "message": {"type": "string"}, "field": {"type": "string"}},
            }
        },
    },
    "ObligationRule": {
        "type": "object",
        "required": ["kind", "mode", "hours", "trigger", "clause"],
        "properties": {
            "kind": {"type": "string"},
            "mode": {"enum": ["immediate", "within"]},
            "norm": {"enum": list(NORMS)},
            "hours": {"type": "integer"},
            "trigger": {
                "enum": ["suspected", "confirmed", "authority_contact"],
                "description": "what starts the clock: awareness, the established breach, or (for "
                "authority_contact_notice) the first recorded contact with an authority other than the AP",
            },
            "clause": {"type": "string"},
            "wording": {"type": "string"},
        },
    },
    "Profile": {
        "type": "object",
        "required": [
            "key",
            "title",
            "source",
            "obligations",
            "required_fields",
            "processor_files_with_ap",
            "processor_may_inform_data_subjects",
        ],
        "properties": {
            "key": {"type": "string"},
            "title": {"type": "string"},
            "source": {"type": "string"},
            "article": {"type": "string"},
            "ap_clause": {"type": "string"},
            "obligations": {"type": "array", "items": ref("ObligationRule")},
            "required_fields": {"type": "array", "items": {"enum": list(FIELD_KEYS)}},
            "processor_files_with_ap": {"type": "boolean"},
            "processor_may_inform_data_subjects": {"type": "boolean"},
        },
    },
    "Controller": {
        "type": "object",
        "required": ["id", "name", "contact_email"],
        "properties": {
            "id": ID,
            "name": {"type": "string"},
            "kvk": TEXT_OR_NULL,
            "contact_name": {"type": "string"},
            "contact_email": {"type": "string"},
            "language": {"enum": ["nl", "en"]},
            "created_at": INSTANT,
            **CONTROLLER_EXTRA,
        },
    },
    "Contract": {
        "type": "object",
        "required": ["id", "controller_id", "profile", "reference"],
        "properties": {
            "id": ID,
            "controller_id": ID,
            "profile": {"type": "string"},
            "reference": {"type": "string"},
            "services": {"type": "string"},
            "data_categories": {"type": "string"},
            "breach_contact_name": {"type": "string"},
            "breach_contact_email": {
                "type": "string",
                "description": "the contract's own breach contact (BOZ Bijlage 3); empty: the controller's "
                "contact_email receives its notices",
            },
            "created_at": INSTANT,
        },
    },
    "IncidentSummary": {
        "type": "object",
        "required": ["id", "reference", "title", "status", "aware_at", "confirmed_at"],
        "properties": {
            "id": ID,
            "reference": {"type": "string", "pattern": "^DL-[0-9]{4}-[0-9]{4,}$"},
            "title": {"type": "string"},
            "status": {"enum": list(INCIDENT_STATUSES)},
            "aware_at": INSTANT,
            "confirmed_at": NULLABLE_INSTANT,
            "dismissed_at": NULLABLE_INSTANT,
            "created_at": INSTANT,
            "updated_at": INSTANT,
        },
    },
    "Incident": {
        "allOf": [
            ref("IncidentSummary"),
            {
                "type": "object",
                "required": ["description", "fields", "contracts"],
                "properties": {
                    "description": {"type": "string"},
                    "dismiss_reason": TEXT_OR_NULL,
                    "authority_action_at": {**NULLABLE_INSTANT, "description": AUTHORITY_ACTION},
                    "reporter_kind": {
                        "enum": [*INCIDENT_REPORTER_KINDS, None],
                        "description": "who reported the incident to the processor (null: not recorded)",
                    },
                    "reporter_name": TEXT_OR_NULL,
                    "sub_processor_id": NULLABLE_ID,
                    "sub_processor_name": TEXT_OR_NULL,
                    "sub_processor_aware_at": {
                        **NULLABLE_INSTANT,
                        "description": "when the reporting sub-processor itself became aware (as it told us)",
                    },
                    "informed_at": {
                        **NULLABLE_INSTANT,
                        "description": "when the processor was informed by the reporter: its aware_at when recorded",
                    },
                    "fields": FIELDS,
                    "details": DETAILS,
                    "contracts": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["id", "controller_id"],
                            "properties": {
                                "id": ID,
                                "reference": {"type": "string"},
                                "controller_id": ID,
                                "profile": {"type": "string"},
                                "controller_name": {"type": "string"},
                                "withdrawn_at": {
                                    **NULLABLE_INSTANT,
                                    "description": "set when the contract was withdrawn from the incident by a "
                                    "recorded correction (after something was sent about it); its open deadlines "
                                    "ended then, and it asks for no facts (not in completeness)",
                                },
                                "withdrawn_reason": TEXT_OR_NULL,
                                "established_at": {
                                    **NULLABLE_INSTANT,
                                    "description": "added after the breach was established: when it was "
                                    "established for this contract, where its confirmed-trigger deadlines start "
                                    "(null: confirmed_at)",
                                },
                            },
                        },
                    },
                    "added_contract_ids": {"type": "array", "items": ID},
                    "completeness": {"type": "array", "items": ref("Completeness")},
                    "scopes": {
                        "type": "array",
                        "items": ref("ControllerScope"),
                        "description": "one per affected controller (a controller user sees only its own)",
                    },
                    "totals": {
                        "type": "object",
                        "properties": SCOPE_PROPERTIES,
                        "description": "the incident-level figures: sums and unions of the scopes",
                    },
                    "internal_note": {"type": "string", "description": "the processor's own; never sent"},
                },
            },
        ],
    },
    "IncidentPage": {
        "type": "object",
        "required": ["incidents", "page", "pages", "total"],
        "properties": {
            "incidents": {"type": "array", "items": ref("IncidentSummary")},
            "page": ID,
            "pages": ID,
            "total": ID,
        },
    },
    "Deadline": {
        "type": "object",
        "required": [
            "kind",
            "contract_id",
            "controller_id",
            "owner",
            "clause",
            "status",
            "starts_at",
            "due_at",
            "met_at",
        ],
        "properties": {
            "kind": {"enum": list(OBLIGATION_KINDS)},
            "contract_id": NULLABLE_ID,
            "controller_id": ID,
            "owner": {"enum": ["processor", "controller"]},
            "clause": {"type": "string"},
            "status": {"enum": OBLIGATION_STATUSES},
            "starts_at": NULLABLE_INSTANT,
            "due_at": NULLABLE_INSTANT,
            "met_at": NULLABLE_INSTANT,
            "hours": ID,
            "filing_id": NULLABLE_ID,
            "met_recorded_at": {
                **NULLABLE_INSTANT,
                "description": "when the fulfilling filing was recorded (met_at is when it was made)",
            },
            "backdated": {
                "type": "boolean",
                "description": "the fulfilling filing was recorded after due_at with a time at or before it",
            },
            "profile_version": {
                "type": ["string", "null"],
                "description": "the clause profile version (12 hex digits of its file's SHA-256) it was computed from",
            },
            "norm": {
                "enum": list(NORMS),
                "description": "how `hours` is to be read: a contract term; the outer limit of a duty owed at once "
                "('onmiddellijk, doch uiterlijk'); or the processor's internal target for an open norm ('onverwijld'), "
                "not a contract term",
            },
            "limited_by_ap": {
                "type": "boolean",
                "description": "due_at is the controller's own AP deadline (the report serves its notification)",
            },
            "owner_basis": {
                "type": ["string", "null"],
                "description": "AP clock owned by the processor: the contract clause that has it file for the "
                "controller (the 72 hours are AVG art. 33(1), in `clause`)",
            },
            "owner_conflict": {
                "type": "array",
                "description": "the controller's contracts disagree about who notifies the AP: each side's clause; the "
                "controller then owns the clock",
                "items": {
                    "type": "object",
                    "required": ["clause", "wording", "says"],
                    "properties": {
                        "clause": {"type": "string"},
                        "wording": {"type": "string"},
                        "says": {"enum": ["processor", "controller"]},
                    },
                },
            },
        },
    },
    "Filing": {
        "type": "object",
        "required": ["id", "kind", "controller_id", "at"],
        "properties": {
            "id": ID,
            "incident_id": ID,
            "kind": {"enum": list(FILING_KINDS)},
            "contract_id": NULLABLE_ID,
            "controller_id": ID,
            "at": INSTANT,
            "channel": TEXT_OR_NULL,
            "reference": TEXT_OR_NULL,
            "note": TEXT_OR_NULL,
            "recorded_by": NULLABLE_ID,
            "recorded_at": INSTANT,
            "follow_up": {"enum": [*AP_FOLLOW_UPS, None]},
            "fulfils": {
                "type": "boolean",
                "description": "false: a notice by a channel its contract does not allow; kept, but it fulfils nothing",
            },
            "reason": {**TEXT_OR_NULL, "description": "why it fulfils nothing, quoting the clause"},
        },
    },
    "Decision": {
        "type": "object",
        "required": ["id", "controller_id", "notify_ap", "reason", "decided_at"],
        "properties": {
            "id": ID,
            "incident_id": ID,
            "controller_id": ID,
            "notify_ap": {"enum": list(NOTIFY_AP_CHOICES)},
            "reason": {"type": "string"},
            "decided_by": NULLABLE_ID,
            "decided_at": INSTANT,
            "inform_data_subjects": {"enum": ["yes", "no", None]},
            "data_subjects_ground": {"enum": [*SUBJECTS_GROUNDS, None]},
            "processor_informs": {"type": "boolean"},
            "decision_maker": {"oneOf": [ref("DecisionMaker"), {"type": "null"}]},
            "severity": {
                "type": ["object", "null"],
                "description": "the assessment the decision relied on",
                "properties": {
                    "id": ID,
                    "se": {"type": "number"},
                    "band": {"type": "string"},
                    "ap_severity": {"type": "string"},
                    "assessed_at": INSTANT,
                },
            },
        },
    },
}


def _json(schema: dict) -> dict:
    return {"application/json": {"schema": schema}}


def _errors(*codes: int) -> dict:
    return {str(c): {"description": "error", "content": _json(ref("Error"))} for c in codes}


def op(
    summary: str,
    ok: int,
    schema: dict | None,
    body: str | None = None,
    errors=(401,),
    params=(),
    optional_body: bool = False,
) -> dict:
    """An operation: its success response, its errors, its JSON request body (a component's name; ``optional_body``:
    an empty body is read as {}), its parameters."""
    operation = {
        "summary": summary,
        "responses": {
            str(ok): {"description": "OK", "content": _json(schema)} if schema else {"description": "OK"},
            **_errors(*errors),
        },
    }
    if body:
        operation["requestBody"] = {"required": not optional_body, "content": _json(ref(body))}
    if params:
        operation["parameters"] = list(params)
    return operation


INCIDENT_ID = {"name": "incident_id", "in": "path", "required": True, "schema": INPUT_ID}
# A query text: not empty, not only white space, no NUL.
QUERY_TEXT = {"type": "string", "pattern": f"^{CHARACTER}*{NOT_SPACE}{CHARACTER}*$"}


def _path(**ops) -> dict:
    return {"parameters": [INCIDENT_ID], **ops}


SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {
        "title": "Breach desk API",
        "version": "1.0.0",
        "description": "Data-breach workflow for processors. Instants are returned in UTC with a Z; input "
        "without an offset is Europe/Amsterdam time, and DST-impossible or ambiguous local "
        "times are refused with 422. The request schemas say what is accepted: where the code trims white space "
        "around a text before it counts its length, the pattern says so. A request that matches its schema is "
        "refused (422) only for one of the rules its operation lists in the 422's x-rules, each named by the error's "
        "code and field (a time in the future, an id that does not exist, ...). Each query parameter is given once "
        "and not empty (422 repeated_parameter, empty_parameter). A whole number may be written 5, 5.0 or 5e0. "
        "Each 403 says which tokens get it: a viewer's token may only read, and a controller user's token reaches "
        "a few operations, acting there only for its own controller.",
    },
    "servers": [{"url": "/api/v1"}],
    "security": [{"bearer": []}],
    "components": {"schemas": SCHEMAS, "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
    "paths": {
        "/profiles": {
            "get": op(
                "Clause profiles",
                200,
                {
                    "type": "object",
                    "required": ["profiles"],
                    "properties": {"profiles": {"type": "array", "items": ref("Profile")}},
                },
            )
        },
        "/controllers": {
            "get": op(
                "Controllers",
                200,
                {"type": "object", "properties": {"controllers": {"type": "array", "items": ref("Controller")}}},
            ),
            "post": op("Create a controller", 201, ref("Controller"), "NewController", (400, 401, 422)),
        },
        "/contracts": {
            "get": op(
                "Contracts",
                200,
                {"type": "object", "properties": {"contracts": {"type": "array", "items": ref("Contract")}}},
                errors=(401, 422),
                params=[
                    {"name": "controller_id", "in": "query", "schema": INPUT_ID},
                    {
                        "name": "reference",
                        "in": "query",
                        "schema": {**QUERY_TEXT, "maxLength": MAX_REFERENCE},
                        "description": "exactly",
                    },
                ],
            ),
            "post": op("Create a contract", 201, ref("Contract"), "NewContract", (400, 401, 422)),
        },
        "/incidents": {
            "get": op(
                "Incidents, newest first",
                200,
                ref("IncidentPage"),
                errors=(401, 422),
                params=[
                    {"name": "status", "in": "query", "schema": {"enum": list(INCIDENT_STATUSES)}},
                    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE}},
                ],
            ),
            "post": op("Open an incident", 201, ref("Incident"), "NewIncident", (400, 401, 422)),
        },
        "/incidents/{incident_id}": _path(
            get=op("An incident with its affected contracts", 200, ref("Incident"), errors=(401, 404)),
            patch=op(
                "Edit text and field values",
                200,
                ref("Incident"),
                "IncidentPatch",
                (400, 401, 404, 409, 422),
                optional_body=True,
            ),
        ),
        "/incidents/{incident_id}/contracts": _path(
            post=op("Add affected contracts", 200, ref("Incident"), "IncidentContracts", (400, 401, 404, 409, 422))
        ),
        "/incidents/{incident_id}/confirm": _path(
            post=op(
                "Confirm the breach", 200, ref("Incident"), "Confirm", (400, 401, 404, 409, 422), optional_body=True
            )
        ),
        "/incidents/{incident_id}/corrections": _path(
            post=op(
                "Correct aware_at or confirmed_at: earlier only, with a reason kept in the timeline",
                200,
                ref("Incident"),
                "AnchorCorrection",
                (400, 401, 404, 409, 422),
            )
        ),
        "/incidents/{incident_id}/dismiss": _path(
            post=op("Dismiss: not a personal data breach", 200, ref("Incident"), "Dismiss", (400, 401, 404, 409, 422))
        ),
        "/incidents/{incident_id}/filings": _path(
            post=op("Record a filing (append-only)", 201, ref("Filing"), "NewFiling", (400, 401, 404, 409, 422))
        ),
        "/incidents/{incident_id}/decisions": _path(
            post=op("Record a decision", 201, ref("Decision"), "NewDecision", (400, 401, 404, 409, 422))
        ),
        "/incidents/{incident_id}/controllers/{controller_id}/scope": {
            "parameters": [
                INCIDENT_ID,
                {"name": "controller_id", "in": "path", "required": True, "schema": INPUT_ID},
            ],
            "get": op("One controller's scope", 200, ref("Scope"), errors=(401, 404)),
            "put": op(
                "Set one controller's scope (a key replaces, null removes, an absent key stays)",
                200,
                ref("Scope"),
                "ScopeChange",
                (400, 401, 404, 409, 422),
                optional_body=True,
            ),
        },
        "/incidents/{incident_id}/scopes": _path(
            put={
                **op(
                    "Set many controllers' scopes from CSV (all or nothing)",
                    200,
                    {
                        "type": "object",
                        "required": ["scopes"],
                        "properties": {"scopes": {"type": "array", "items": ref("ControllerScope")}},
                    },
                    errors=(401, 404, 415, 422),
                ),
                "requestBody": {
                    "required": True,
                    "content": {
                        "text/csv": {
                            "schema": {
                                "type": "string",
                                "description": "columns controller_id or kvk, and any scope key; lists "
                                "separated by ';'; a 422 lists every bad line",
                            }
                        }
                    },
                },
            }
        ),
        "/incidents/{incident_id}/deadlines": _path(
            get=op(
                "Every obligation with its clock",
                200,
                {
                    "type": "object",
                    "required": ["deadlines"],
                    "properties": {"deadlines": {"type": "array", "items": ref("Deadline")}},
                },
                errors=(401, 404),
            )
        ),
        "/openapi.json": {
            "get": {"summary": "This document", "security": [], "responses": {"200": {"description": "OK"}}}
        },
    },
}
SCHEMAS["Completeness"] = {
    "type": "object",
    "required": ["contract_id", "profile", "required", "missing", "complete"],
    "properties": {
        "contract_id": ID,
        "reference": {"type": "string"},
        "profile": {"type": "string"},
        "required": {"type": "array", "items": {"enum": list(FIELD_KEYS)}},
        "missing": {"type": "array", "items": {"enum": list(FIELD_KEYS)}},
        "complete": {"type": "boolean"},
    },
}
SCHEMAS["NoticesQueued"] = {
    "type": "object",
    "required": ["outbox"],
    "properties": {
        "outbox": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "controller_id", "status", "document_id"],
                "properties": {
                    "id": ID,
                    "controller_id": ID,
                    "document_id": ID,
                    "status": {"enum": ["queued", "sending", "sent", "retrying", "failed"]},
                },
            },
        }
    },
}
SCHEMAS["OutboxMessage"] = {
    "type": "object",
    "required": ["id", "controller_id", "document_id", "status", "smtp_reply"],
    "properties": {
        "id": ID,
        "incident_id": ID,
        "controller_id": ID,
        "document_id": ID,
        "status": {"enum": ["queued", "sending", "sent", "retrying", "failed"]},
        "attempts": ID,
        "recipients": {"type": "array", "items": {"type": "string"}},
        "subject": {"type": "string"},
        "smtp_reply": TEXT_OR_NULL,
        "last_error": TEXT_OR_NULL,
        "sent_at": NULLABLE_INSTANT,
        "next_attempt_at": NULLABLE_INSTANT,
        "created_at": INSTANT,
        "kind": {"enum": ["notice", "investigation_report"]},
        "version": {"type": ["string", "null"]},
    },
}
SPEC["paths"]["/incidents/{incident_id}/notices"] = _path(
    post=op(
        "Generate one notice per controller and queue it for e-mail",
        202,
        ref("NoticesQueued"),
        "NoticeRequest",
        (400, 401, 404, 409, 422),
    )
)
SPEC["paths"]["/outbox/{message_id}"] = {
    "parameters": [{"name": "message_id", "in": "path", "required": True, "schema": INPUT_ID}],
    "get": op("An outbox message: status and the mail server's reply", 200, ref("OutboxMessage"), errors=(401, 404)),
}
SPEC["paths"]["/documents/{document_id}"] = {
    "parameters": [{"name": "document_id", "in": "path", "required": True, "schema": INPUT_ID}],
    "get": {
        "summary": "The stored bytes of an issued document",
        "responses": {
            "200": {
                "description": "The document as issued",
                "headers": {"X-Content-SHA256": {"schema": {"type": "string", "pattern": "^[0-9a-f]{64}$"}}},
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            },
            **_errors(401, 404),
        },
    },
}
# Intake by e-mail (intake_routes.py): the messages sent to the breach address, stored as received.
INBOUND_ID = [{"name": "inbound_id", "in": "path", "required": True, "schema": INPUT_ID}]
SHA256 = {"type": "string", "pattern": "^[0-9a-f]{64}$"}
SCHEMAS["InboundReview"] = {
    "type": ["object", "null"],
    "required": ["decision", "reason", "incident_id", "reviewed_by", "reviewed_at"],
    "properties": {
        "decision": {"enum": ["accept", "reject"]},
        "reason": {**TEXT_OR_NULL, "description": "why it was rejected"},
        "incident_id": {**NULLABLE_ID, "description": "the suspected incident it became, when accepted"},
        "reviewed_by": {**TEXT_OR_NULL, "description": "the e-mail address of the user who reviewed it"},
        "reviewed_at": INSTANT,
    },
}
SCHEMAS["InboundMessage"] = {
    "type": "object",
    "required": [
        "id", "received_at", "channel", "envelope_from", "envelope_to", "from", "to", "subject", "message_id",
        "size", "sha256", "review",
    ],
    "properties": {
        "id": ID,
        "received_at": {**INSTANT, "description": "the arrival (SMTP: end of DATA; IMAP: INTERNALDATE)"},
        "channel": {"enum": ["imap", "smtp"]},
        "envelope_from": TEXT_OR_NULL,
        "envelope_to": {"type": "array", "items": {"type": "string"}},
        "from": {"type": "string"},
        "to": {"type": "string"},
        "subject": {"type": "string", "description": "decoded and normalised to one line"},
        "message_id": TEXT_OR_NULL,
        "size": {"type": "integer", "minimum": 0},
        "sha256": {**SHA256, "description": "of the message's bytes exactly as received (see /original)"},
        "review": ref("InboundReview"),
        "text": {"type": "string", "description": "the first text/plain part (only on the single message)"},
        "html_only": {"type": "boolean", "description": "an HTML body and no text one (never rendered)"},
        "attachments": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["name", "content_type", "size"],
                "properties": {"name": {"type": "string"}, "content_type": {"type": "string"}, "size": ID},
            },
        },
    },
}  # fmt: skip
SCHEMAS["InboundMessagePage"] = {
    "type": "object",
    "required": ["inbound_messages", "page", "pages", "total"],
    "properties": {
        "inbound_messages": {"type": "array", "items": ref("InboundMessage")},
        "page": ID,
        "pages": ID,
        "total": ID,
    },
}
SPEC["paths"]["/inbound-messages"] = {
    "get": op(
        "Messages sent to the breach address, newest first (default: those awaiting review)",
        200,
        ref("InboundMessagePage"),
        errors=(401, 422),
        params=[
            {"name": "status", "in": "query", "schema": {"enum": ["pending", "reviewed", "all"]}},
            {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE}},
        ],
    )
}
SPEC["paths"]["/inbound-messages/{inbound_id}"] = {
    "parameters": INBOUND_ID,
    "get": op("A message with its text and attachments (by name)", 200, ref("InboundMessage"), errors=(401, 404)),
}
SPEC["paths"]["/inbound-messages/{inbound_id}/original"] = {
    "parameters": INBOUND_ID,
    "get": {
        "summary": "The message exactly as received (its SHA-256 in the header)",
        "responses": {
            "200": {
                "description": "The stored bytes",
                "headers": {"X-Content-SHA256": {"schema": SHA256}},
                "content": {"message/rfc822": {"schema": {"type": "string", "format": "binary"}}},
            },
            **_errors(401, 404, 409),
        },
    },
}
SPEC["paths"]["/inbound-messages/{inbound_id}/accept"] = {
    "parameters": INBOUND_ID,
    "post": op(
        "Accept: a suspected incident aware at the message's arrival (409 already_reviewed once reviewed)",
        201,
        ref("Incident"),
        "AcceptInbound",
        (400, 401, 404, 409, 422),
        optional_body=True,
    ),
}
SPEC["paths"]["/inbound-messages/{inbound_id}/reject"] = {
    "parameters": INBOUND_ID,
    "post": op(
        "Reject with a reason (409 already_reviewed once reviewed)",
        200,
        ref("InboundMessage"),
        "RejectInbound",
        (400, 401, 404, 409, 422),
    ),
}
SCHEMAS["APDraftAnswer"] = {
    "type": "object",
    "required": ["key", "question", "answer", "source", "gap", "highlight"],
    "properties": {
        "key": {"type": "string", "pattern": "^[0-9]+\\.[a-z_]+$"},
        "number": {"type": "string", "description": "the AP form's own question number, e.g. 3.2.1"},
        "question": {"type": "string"},
        "answer": TEXT_OR_NULL,
        "source": {"type": "string"},
        "gap": {"type": "boolean"},
        "highlight": {"type": "boolean"},
        "hint": TEXT_OR_NULL,
    },
}
SCHEMAS["APDraft"] = {
    "type": "object",
    "required": [
        "incident_id",
        "incident_reference",
        "controller_id",
        "filer",
        "notification_type",
        "late",
        "chapters",
        "gaps",
    ],
    "properties": {
        "incident_id": ID,
        "incident_reference": {"type": "string"},
        "controller_id": ID,
        "controller_name": {"type": "string"},
        "filer": {"enum": ["controller", "processor"]},
        "filer_note": {"type": "string"},
        "language": {"enum": ["nl", "en"]},
        "generated_at": INSTANT,
        "notification_type": {"enum": ["new", "follow_up"]},
        "ap_reference": TEXT_OR_NULL,
        "ap_due_at": NULLABLE_INSTANT,
        "late": {"type": "boolean"},
        "decision": {
            "type": ["object", "null"],
            "properties": {"decision_maker": {"oneOf": [ref("DecisionMaker"), {"type": "null"}]}},
        },
        "chapters": {
            "type": "array",
            "minItems": 10,
            "maxItems": 10,
            "items": {
                "type": "object",
                "required": ["number", "title", "answers"],
                "properties": {
                    "number": {"type": "integer", "minimum": 1, "maximum": 10},
                    "title": {"type": "string"},
                    "answers": {"type": "array", "items": ref("APDraftAnswer")},
                },
            },
        },
        "gaps": {"type": "array", "items": {"type": "string"}},
        "authority": {"type": "string", "description": "short name of the controller's competent authority"},
        "dutch_ap": {
            "type": "boolean",
            "description": "false: the controller notifies another authority; this draft only follows the AP form's "
            "structure (use the EDPB template draft)",
        },
    },
    "description": "The AP notification draft in the AP form's chapters 1-10; question keys are stable. `late` is "
    "true when the 72 hours have passed without an AP notification (question 4.late_reason is then "
    "highlighted).",
}
SPEC["paths"]["/incidents/{incident_id}/ap-draft"] = _path(
    get={
        **op(
            "The draft notification to the AP for one controller",
            200,
            ref("APDraft"),
            errors=(401, 404, 422),
            params=[
                {"name": "controller_id", "in": "query", "required": True, "schema": INPUT_ID},
                {"name": "language", "in": "query", "schema": {"enum": ["nl", "en"], "default": "nl"}},
                {"name": "format", "in": "query", "schema": {"enum": ["json", "pdf"], "default": "json"}},
            ],
        )
    }
)
SPEC["paths"]["/incidents/{incident_id}/ap-draft"]["get"]["responses"]["200"]["content"]["application/pdf"] = {
    "schema": {"type": "string", "format": "binary"}
}

SCHEMAS["RegimeStage"] = {
    "type": "object",
    "required": [
        "key",
        "stage",
        "title",
        "clause",
        "starts_at",
        "due_at",
        "due_is_provisional",
        "extended_to",
        "status",
        "met_at",
        "filing_id",
    ],
    "properties": {
        "key": {"type": "string", "description": "the stage's key; a report on request: `<stage>:<request id>`"},
        "stage": {"type": "string"},
        "title": {"type": "string"},
        "clause": {"type": "string"},
        "starts_at": NULLABLE_INSTANT,
        "due_at": NULLABLE_INSTANT,
        "due_is_provisional": {
            "type": "boolean",
            "description": "counted from the latest moment the previous stage may be filed, until it is filed",
        },
        "extended_to": {
            **NULLABLE_INSTANT,
            "description": "a term in months ending on a weekend or Dutch public "
            "holiday: the end of the next working day (Algemene termijnenwet), shown beside due_at",
        },
        "status": {"enum": ["pending", "running", "met", "missed", "not_required"]},
        "met_at": NULLABLE_INSTANT,
        "filing_id": NULLABLE_ID,
    },
}
SCHEMAS["RegimeFiling"] = {
    "type": "object",
    "required": [
        "id",
        "stage",
        "kind",
        "at",
        "due_at",
        "channel",
        "recipient",
        "reference",
        "sha256",
        "recorded_at",
        "request_id",
    ],
    "properties": {
        "id": ID,
        "stage": {"type": "string"},
        "kind": {
            "enum": ["filing", "request", "not_needed"],
            "description": "a report filed, the recipient's request for one, or a conditional stage recorded as not "
            "needed",
        },
        "request_id": {**NULLABLE_ID, "description": "a report on request: the request it answers"},
        "at": INSTANT,
        "due_at": NULLABLE_INSTANT,
        "channel": TEXT_OR_NULL,
        "recipient": {"type": "string"},
        "reference": TEXT_OR_NULL,
        "sha256": {"type": ["string", "null"], "description": "of the content as filed (a filing, not a request)"},
        "recorded_at": INSTANT,
    },
}
SCHEMAS["Regime"] = {
    "type": "object",
    "required": ["key", "title", "source", "wording_is_paraphrase", "recipient", "classification", "stages", "filings"],
    "properties": {
        "key": {"type": "string"},
        "title": {"type": "string"},
        "source": {"type": "string"},
        "wording_is_paraphrase": {"type": "boolean"},
        "recipient": {
            "type": "object",
            "required": ["name", "url"],
            "properties": {"name": {"type": "string"}, "url": {"type": "string"}},
        },
        "classification": {
            "type": ["object", "null"],
            "required": ["answer", "reason", "aware_at", "decided_at"],
            "properties": {
                "answer": {"enum": ["yes", "no", "needs_info"]},
                "reason": {"type": "string"},
                "aware_at": NULLABLE_INSTANT,
                "decided_at": INSTANT,
            },
        },
        "stages": {"type": "array", "items": ref("RegimeStage")},
        "filings": {"type": "array", "items": ref("RegimeFiling")},
    },
}
SPEC["paths"]["/incidents/{incident_id}/regimes"] = _path(
    get=op(
        "The statutory regimes that bind our organisation (NIS2 / Cyberbeveiligingswet, ...) for one incident: the "
        "classification, each stage's deadline and the filings and requests recorded",
        200,
        {
            "type": "object",
            "required": ["regimes"],
            "properties": {"regimes": {"type": "array", "items": ref("Regime")}},
        },
        errors=(401, 404),
    )
)
SCHEMAS["EDPBDraftAnswer"] = {
    "type": "object",
    "required": ["key", "question", "answer", "source", "gap", "highlight"],
    "properties": {
        "key": {"type": "string", "description": "the template field's key (config/edpb-template.toml)"},
        "question": {"type": "string"},
        "answer": TEXT_OR_NULL,
        "source": {
            "type": "string",
            "description": "where the desk holds the answer: field:, detail:, controller:, scope:, computed: or none",
        },
        "gap": {"type": "boolean"},
        "highlight": {"type": "boolean"},
        "hint": TEXT_OR_NULL,
    },
}
SCHEMAS["EDPBDraft"] = {
    "type": "object",
    "required": ["incident_id", "incident_reference", "controller_id", "template", "sections", "gaps"],
    "properties": {
        "incident_id": ID,
        "incident_reference": {"type": "string"},
        "controller_id": ID,
        "controller_name": {"type": "string"},
        "language": {"enum": ["nl", "en"]},
        "generated_at": INSTANT,
        "template": {
            "type": "object",
            "required": ["title", "version", "status"],
            "properties": {
                "title": {"type": "string"},
                "version": {"type": "string"},
                "status": {
                    "enum": ["unverified", "published"],
                    "description": "unverified: the keys are not yet checked against the published template",
                },
            },
        },
        "authority": {
            "type": ["string", "null"],
            "description": "the competent authority and its notification page; null outside the EEA (none picked)",
        },
        "sections": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["key", "title", "answers"],
                "properties": {
                    "key": {"type": "string"},
                    "title": {"type": "string"},
                    "answers": {"type": "array", "items": ref("EDPBDraftAnswer")},
                },
            },
        },
        "gaps": {"type": "array", "items": {"type": "string"}},
    },
    "description": "The draft in the EDPB common breach-notification template for one controller: every field of "
    "the template, answered from that controller's own facts or marked as a gap.",
}
SPEC["paths"]["/incidents/{incident_id}/edpb-draft"] = _path(
    get={
        **op(
            "The draft notification in the EDPB common template for one controller",
            200,
            ref("EDPBDraft"),
            errors=(401, 404, 422),
            params=[
                {"name": "controller_id", "in": "query", "required": True, "schema": INPUT_ID},
                {"name": "language", "in": "query", "schema": {"enum": ["nl", "en"], "default": "nl"}},
                {"name": "format", "in": "query", "schema": {"enum": ["json", "pdf"], "default": "json"}},
            ],
        )
    }
)
SPEC["paths"]["/incidents/{incident_id}/edpb-draft"]["get"]["responses"]["200"]["content"]["application/pdf"] = {
    "schema": {"type": "string", "format": "binary"}
}

COUNT = {"type": "integer", "minimum": 0}
SCHEMAS["RegisterRow"] = {
    "type": "object",
    "required": [
        "id",
        "reference",
        "title",
        "status",
        "aware_at",
        "confirmed_at",
        "dismissed_at",
        "dismiss_reason",
        "controllers",
        "withdrawn_controllers",
        "incident_kind",
        "facts",
        "effects",
        "remedial_action",
        "severity",
        "obligations",
        "decisions",
        "filings",
        "period",
        "reporter",
        "recovery",
        "notices",
        "missed_obligations",
        "backdated_obligations",
    ],
    "properties": {
        "id": ID,
        "reference": {"type": "string", "pattern": "^DL-[0-9]{4}-[0-9]{4,}$"},
        "title": {"type": "string"},
        "status": {"enum": list(INCIDENT_STATUSES)},
        "aware_at": INSTANT,
        "confirmed_at": NULLABLE_INSTANT,
        "dismissed_at": NULLABLE_INSTANT,
        "dismiss_reason": TEXT_OR_NULL,
        "controllers": {
            "type": "array",
            "items": {"type": "string"},
            "description": "the affected controllers' names, sorted",
        },
        "withdrawn_controllers": {
            "type": "array",
            "items": {"type": "string"},
            "description": "of those, the ones whose every contract was withdrawn from the incident by a recorded "
            "correction, sorted",
        },
        "incident_kind": {"enum": [*INCIDENT_KINDS, None], "description": "details.incident_kind"},
        "facts": {
            "type": "object",
            "required": ["description", "nature", "cause"],
            "properties": {"description": {"type": "string"}, "nature": TEXT_OR_NULL, "cause": TEXT_OR_NULL},
        },
        "effects": {
            "type": "object",
            "required": ["affected_data", "data_subjects", "records", "consequences"],
            "properties": {k: TEXT_OR_NULL for k in ("affected_data", "data_subjects", "records", "consequences")},
        },
        "remedial_action": {"type": "object", "required": ["measures"], "properties": {"measures": TEXT_OR_NULL}},
        "severity": {
            "type": ["object", "null"],
            "description": "the latest severity assessment; null when none",
            "required": ["band", "ap_severity", "se"],
            "properties": {
                "band": {"enum": ["low", "medium", "high", "very_high"]},
                "ap_severity": {"enum": ["verwaarloosbaar", "beperkt", "aanzienlijk", "zeer groot"]},
                "se": {"type": "number"},
            },
        },
        "obligations": {
            "type": "object",
            "required": ["met", "missed", "open"],
            "description": "missed: filed late, or running past its deadline; open: pending, or running "
            "within its deadline; not_required and ended obligations are not counted",
            "properties": {"met": COUNT, "missed": COUNT, "open": COUNT},
        },
        "decisions": {
            "type": "array",
            "description": "the latest decision per controller, by controller name",
            "items": {
                "type": "object",
                "required": [
                    "controller_id",
                    "controller_name",
                    "notify_ap",
                    "inform_data_subjects",
                    "data_subjects_ground",
                    "decided_at",
                    "reason",
                    "decision_maker",
                    "recorded_by",
                ],
                "properties": {
                    "controller_id": ID,
                    "controller_name": {"type": "string"},
                    "notify_ap": {"enum": list(NOTIFY_AP_CHOICES)},
                    "inform_data_subjects": {"enum": ["yes", "no", None]},
                    "data_subjects_ground": {"enum": [*SUBJECTS_GROUNDS, None]},
                    "decided_at": INSTANT,
                    "reason": {"type": "string"},
                    "decision_maker": {
                        "type": "object",
                        "required": ["name", "function", "via"],
                        "description": "who at the controller decided, and how the "
                        "processor learned it (null for older decisions)",
                        "properties": {
                            "name": TEXT_OR_NULL,
                            "function": TEXT_OR_NULL,
                            "via": {"enum": [*DECISION_VIA, None]},
                        },
                    },
                    "recorded_by": {"type": ["string", "null"], "description": "the desk's user who recorded it"},
                },
            },
        },
        "filings": {
            "type": "array",
            "description": "the whole filing log, oldest first",
            "items": {
                "type": "object",
                "required": ["kind", "at", "reference", "controller_id"],
                "properties": {
                    "kind": {"enum": [*FILING_KINDS, "investigation_report", ACKNOWLEDGEMENT]},
                    "at": INSTANT,
                    "reference": TEXT_OR_NULL,
                    "controller_id": ID,
                    "controller_name": {"type": "string"},
                    "contract_id": {"type": ["integer", "null"]},
                    "channel": TEXT_OR_NULL,
                },
            },
        },
        "period": {
            "type": "object",
            "required": ["started_at", "ended_at"],
            "description": "the period of the breach (details.started_at / ended_at)",
            "properties": {"started_at": NULLABLE_INSTANT, "ended_at": NULLABLE_INSTANT},
        },
        "reporter": {
            "type": "object",
            "required": ["kind", "name"],
            "description": "who reported the breach to the processor (details.reporter_kind / reported_by)",
            "properties": {"kind": {"enum": [*REPORTER_KINDS, None]}, "name": TEXT_OR_NULL},
        },
        "reported_to_us": {
            "type": "object",
            "description": "who reported the incident to the processor as recorded when it was logged (the incident's "
            "reporter_kind, reporter_name, sub-processor and informed_at; all null when not recorded)",
            "properties": {
                "kind": {"enum": [*INCIDENT_REPORTER_KINDS, None]},
                "name": TEXT_OR_NULL,
                "sub_processor": TEXT_OR_NULL,
                "sub_processor_aware_at": NULLABLE_INSTANT,
                "informed_at": NULLABLE_INSTANT,
            },
        },
        "recovery": {"type": ["string", "null"], "description": "the data-recovery procedure (details.recovery)"},
        "notices": {
            "type": "array",
            "description": "each notice to a controller once (however many contracts it covered), by "
            "controller name, then oldest first; status other than sent: still in the outbox "
            "or failed, at is then when it was created",
            "items": {
                "type": "object",
                "required": ["controller_id", "controller_name", "at", "channel", "recipients", "reference", "status"],
                "properties": {
                    "controller_id": ID,
                    "controller_name": {"type": "string"},
                    "at": INSTANT,
                    "channel": TEXT_OR_NULL,
                    "recipients": {"type": "array", "items": {"type": "string"}},
                    "reference": TEXT_OR_NULL,
                    # notices/models.py OUTBOX_STATUSES
                    "status": {"enum": ["queued", "sending", "sent", "retrying", "failed"]},
                },
            },
        },
        "missed_obligations": {
            "type": "array",
            "description": "obligations filed after their deadline or open past it, earliest "
            "deadline first; late_seconds: met_at (or now) minus due_at",
            "items": {
                "type": "object",
                "required": [
                    "kind",
                    "controller_id",
                    "controller_name",
                    "contract",
                    "clause",
                    "due_at",
                    "met_at",
                    "late_seconds",
                ],
                "properties": {
                    "kind": {"enum": list(OBLIGATION_KINDS)},
                    "controller_id": ID,
                    "controller_name": {"type": "string"},
                    "contract": TEXT_OR_NULL,
                    "clause": {"type": "string"},
                    "due_at": INSTANT,
                    "met_at": NULLABLE_INSTANT,
                    "late_seconds": COUNT,
                },
            },
        },
        "backdated_obligations": {
            "type": "array",
            "description": "obligations met by a filing recorded after the deadline with a time at or before it, "
            "earliest deadline first",
            "items": {
                "type": "object",
                "required": [
                    "kind",
                    "controller_id",
                    "controller_name",
                    "contract",
                    "due_at",
                    "met_at",
                    "met_recorded_at",
                ],
                "properties": {
                    "kind": {"enum": list(OBLIGATION_KINDS)},
                    "controller_id": ID,
                    "controller_name": {"type": "string"},
                    "contract": TEXT_OR_NULL,
                    "due_at": INSTANT,
                    "met_at": INSTANT,
                    "met_recorded_at": INSTANT,
                },
            },
        },
    },
}
SCHEMAS["Register"] = {
    "type": "object",
    "required": ["register", "total"],
    "properties": {"register": {"type": "array", "items": ref("RegisterRow")}, "total": COUNT},
}
SPEC["paths"]["/register"] = {
    "get": {
        "summary": "The breach register (AVG art. 33 lid 5): every incident, notified or not, oldest awareness first",
        "description": 'Streamed batch by batch, whatever the size of the register: in the JSON, "total" follows '
        "the rows.",
        "parameters": [
            {
                "name": "from",
                "in": "query",
                "schema": DATE,
                "description": "first day (Europe/Amsterdam) of aware_at, inclusive; not after to",
            },
            {
                "name": "to",
                "in": "query",
                "schema": DATE,
                "description": "last day (Europe/Amsterdam) of aware_at, inclusive",
            },
            {
                "name": "controller_id",
                "in": "query",
                "schema": INPUT_ID,
                "description": "incidents affecting this controller; an unknown id is refused",
            },
            {"name": "status", "in": "query", "schema": {"enum": list(INCIDENT_STATUSES)}},
            {
                "name": "severity",
                "in": "query",
                "schema": {"enum": ["verwaarloosbaar", "beperkt", "aanzienlijk", "zeer groot", "none"]},
                "description": "the latest assessment's AP severity; none: not assessed",
            },
            {
                "name": "q",
                "in": "query",
                "schema": {**QUERY_TEXT, "maxLength": 100},
                "description": "search text, found anywhere in the reference, the title or an affected controller's "
                "name (case-insensitive for ASCII letters; runs of white space count as one space)",
            },
            {
                "name": "format",
                "in": "query",
                "schema": {"enum": ["json", "csv"], "default": "json"},
                "description": "csv: the web page's CSV export (UTF-8 with BOM, ';'-separated, local times)",
            },
        ],
        "responses": {
            "200": {
                "description": "OK",
                "content": {
                    "application/json": {"schema": ref("Register")},
                    "text/csv": {"schema": {"type": "string"}},
                },
            },
            **_errors(401, 422),
        },
    }
}


IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "schema": {"type": "string", "pattern": "^[!-~]{1,255}$"},
    "description": "Makes a retry safe (e.g. a UUID per intended request; 1 to 255 visible ASCII characters, "
    "else 422). Within 24 hours the same key from the same user with the same request (method, path and body; "
    "a JSON body by its content) answers the first response again, status and body, with the header "
    "`Idempotent-Replayed: true`, and does nothing; with another request it answers 409 "
    "`idempotency_key_reused`. A request sent while the first one with its key is still running waits for it; "
    "if it still runs after some seconds: 409 `idempotency_key_in_progress` with Retry-After. Only a successful "
    "response is kept: a refused request did nothing and may be sent again with its key.",
}
REPLAYED_HEADER = {
    "description": "`true` when this is the stored response of an earlier request with the same Idempotency-Key",
    "schema": {"type": "string", "enum": ["true"]},
}


def _idempotent_posts(paths: dict) -> None:
    """Every POST takes an Idempotency-Key: the header, its 409 and 422, and the replay header on success."""
    for item in paths.values():
        operation = item.get("post")
        if operation is None:
            continue
        operation.setdefault("parameters", []).append(IDEMPOTENCY_KEY)
        responses = operation["responses"]
        for status in (409, 422):
            responses.setdefault(str(status), _errors(status)[str(status)])
        for status, response in responses.items():
            if status.startswith("2"):
                response.setdefault("headers", {})["Idempotent-Replayed"] = REPLAYED_HEADER


def _refusals(paths: dict) -> None:
    """413 for every request body over the configured limit (MAX_CONTENT_LENGTH), and on each 422 the rules a
    request that matches the schema can still break (openapi_requests.RULES)."""
    for path, item in paths.items():
        for method, operation in item.items():
            if method not in HTTP_METHODS:
                continue
            responses = operation["responses"]
            if "requestBody" in operation:
                responses["413"] = _error("the request body is larger than the configured limit")
            rules = RULES.get((path, method))
            if rules:
                responses["422"] = {
                    **_error(
                        "refused: the request does not match the schema, or breaks one of the rules in x-rules (which "
                        "depend on what is stored, on the clock or on the caller): "
                        + "; ".join(f"{r['code']} ({r['field']}): {r['rule']}" for r in rules)
                    ),
                    "x-rules": rules,
                }


def _error(description: str) -> dict:
    return {"description": description, "content": _json(ref("Error"))}


def _operation(path: str, method: str) -> str:
    """An operationRef: the JSON pointer to the operation, percent-encoded as a URI fragment."""
    return "#/paths/" + quote(path.replace("~", "~0").replace("/", "~1"), safe="~") + "/" + method


def _link(description: str, path: str, method: str, **parameters: str) -> dict:
    return {"operationRef": _operation(path, method), "parameters": parameters, "description": description}


INCIDENT_PATHS = {
    "incident": "/incidents/{incident_id}",
    "deadlines": "/incidents/{incident_id}/deadlines",
    "filings": "/incidents/{incident_id}/filings",
    "decisions": "/incidents/{incident_id}/decisions",
    "notices": "/incidents/{incident_id}/notices",
}
# What a response names and where it can be used next (OpenAPI links): `$response.body#...` in the response.
LINKS = {
    ("/incidents", "get", "200"): {
        name: _link(
            f"the newest incident on the page: {path}",
            path,
            "get" if name in ("incident", "deadlines") else "post",
            incident_id="$response.body#/incidents/0/id",
        )
        for name, path in INCIDENT_PATHS.items()
    },
    ("/incidents", "post", "201"): {
        name: _link(
            f"the new incident: {path}",
            path,
            "get" if name in ("incident", "deadlines") else "post",
            incident_id="$response.body#/id",
        )
        for name, path in INCIDENT_PATHS.items()
    },
    ("/incidents/{incident_id}/notices", "post", "202"): {
        "outbox": _link(
            "the first notice's outbox message", "/outbox/{message_id}", "get", message_id="$response.body#/outbox/0/id"
        ),
        "document": _link(
            "the first notice's document",
            "/documents/{document_id}",
            "get",
            document_id="$response.body#/outbox/0/document_id",
        ),
    },
}


def _links(paths: dict) -> None:
    for (path, method, status), links in LINKS.items():
        paths[path][method]["responses"][status]["links"] = links


HTTP_METHODS = ("get", "put", "post", "delete", "patch")
SCHEMAS.update(REQUESTS)
_links(SPEC["paths"])
_idempotent_posts(SPEC["paths"])
_refusals(SPEC["paths"])

# Where a controller user's token is refused within an operation it may use (incidents_routes.py).
OWN_CONTROLLER = {
    ("/incidents/{incident_id}/filings", "post"): "a controller user's token records only AP notifications and "
    "follow-ups, and only for its own controller (forbidden)",
    ("/incidents/{incident_id}/decisions", "post"): "a controller user's token records decisions only for its own "
    "controller (forbidden)",
}


def document() -> dict:
    """The document as this application serves it: with the keys of its clause profiles, and the 403 of each
    operation that a viewer's or a controller user's token may not use (from the routes and
    CONTROLLER_ENDPOINTS, so the two cannot disagree)."""
    served = copy.deepcopy(SPEC)
    served["components"]["schemas"]["NewContract"]["properties"]["profile"] = trimmed_choice(sorted(all_profiles()))
    served["components"]["schemas"]["NewController"]["properties"]["main_establishment"] = country_choice(
        all_authorities().by_country, empty="none (the country's authority; not cross-border)"
    )
    for rule in current_app.url_map.iter_rules():
        if not rule.rule.startswith(PREFIX + "/") or rule.endpoint == "api.openapi":
            continue
        path = re.sub(r"<(?:[a-z_]+(?:\([^)]*\))?:)?([a-z_]+)>", r"{\1}", rule.rule[len(PREFIX) :])
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}:
            reasons = []
            if method != "GET":
                reasons.append("a viewer's token may only read (read_only)")
            if rule.endpoint not in CONTROLLER_ENDPOINTS:
                reasons.append("a controller user's token cannot use this operation (forbidden)")
            elif (path, method.lower()) in OWN_CONTROLLER:
                reasons.append(OWN_CONTROLLER[path, method.lower()])
            if reasons:
                responses = served["paths"][path][method.lower()]["responses"]
                responses["403"] = _error("; ".join(reasons))
    return served


@bp.get("/openapi.json")
def openapi():
    return jsonify(document())
