"""Fuzz every operation of the API from its served OpenAPI document, with a handler's token.

For each operation, hypothesis generates requests from the document: path ids (existing ones, unknown ones, huge,
negative, not numbers), query parameters (documented values and junk), and JSON bodies built from the request
schema, then bent: wrong types at any depth, over-long strings, unknown keys, instants that are in the future,
in a DST gap or beyond year 9999, bodies that are not objects or not JSON at all. Whatever comes in, the API must
never answer 5xx, and every 4xx must be exactly the documented error shape {"error": {"code", "message",
"field"?}}. Deterministic (derandomize) and small (MAX_EXAMPLES per operation) so that the file runs quickly.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from incidents.api.openapi import SPEC
from incidents.auth.service import create_token
from incidents.breaches.service import confirm, create_incident, dismiss
from incidents.core.instants import utcnow
from incidents.extensions import db

PREFIX = "/api/v1"
MAX_EXAMPLES = 40
METHODS = ("get", "post", "patch", "put", "delete")
# Collected from the application's document; each test checks the operation against the served document.
OPERATIONS = sorted((method, path) for path, item in SPEC["paths"].items() for method in item if method in METHODS)


def weighted(*choices: tuple[int, st.SearchStrategy]) -> st.SearchStrategy:
    """one_of with weights (hypothesis picks one_of's branches evenly); shrinks towards the first choice."""
    bounds, total = [], 0
    for weight, strategy in choices:
        total += weight
        bounds.append((total, strategy))
    return st.integers(0, total - 1).flatmap(lambda n: next(s for bound, s in bounds if n < bound))


# --- values --------------------------------------------------------------------------------------------------------

JSON_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=30),
    st.sampled_from(["", " ", "0", "1", "true", "null", "\x00", "é" * 3, "🙂", "<b>x</b>"]),
)
ANY_JSON = st.recursive(
    JSON_SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=3),
    max_leaves=6,
)
INSTANT_EDGES = [
    "2026-03-27T14:00",
    "2026-03-27T14:00:00+01:00",
    "2026-03-27T13:00:00Z",
    "2026-03-27 14:00",
    "2026-03-29T02:30",
    "2026-10-25T02:30",  # a DST gap and a DST overlap in Amsterdam
    "2099-01-01T00:00:00Z",
    "1900-01-01T00:00",
    "1970-01-01T00:00:00Z",
    "0001-01-01T00:00:00+14:00",
    "9999-12-31T23:59:59-14:00",
    "9999-12-31T23:59:59.999999Z",
    "0001-01-01T00:00",
    "2026-02-30T10:00",
    "2026-03-27T24:00",
    "2026-13-01T00:00Z",
    "2026-03-27T14:00+25:00",
    "2026-03-27T14:00:00.1234567Z",
    "2026-03-27",
    "2026-W13",
    "14:00",
    "",
    "   ",
    "now",
    "2026-03-27T14:00Zjunk",
]
NOW = datetime.now(ZoneInfo("Europe/Amsterdam")).replace(microsecond=0, tzinfo=None)  # wall time there
RECENT = st.datetimes(min_value=NOW - timedelta(days=20), max_value=NOW - timedelta(hours=1))
INSTANTS = weighted(
    (3, RECENT.map(lambda d: d.isoformat(timespec="minutes"))),  # Amsterdam wall time (may hit a DST change)
    (3, RECENT.map(lambda d: d.isoformat() + "+01:00")),
    (2, st.sampled_from(INSTANT_EDGES)),
    (
        1,
        st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)).map(
            lambda d: d.isoformat(timespec="seconds") + "Z"
        ),
    ),
)
DATES = st.one_of(
    st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)).map(date.isoformat),
    st.sampled_from(["2026-02-30", "2026-13-01", "26-01-01", "", "2026-01-01T00:00", "x"]),
)
EMAILS = st.one_of(
    st.sampled_from(
        [
            "fg@zorg.example",
            "FG@Zorg.Example",
            "a@b",
            "@x.example",
            "x@",
            "plain",
            "fg@zorg.example\n",
            "ë@zorg.example",
        ]
    ),
    st.from_regex(r"[a-z]{1,10}@[a-z]{1,10}\.example", fullmatch=True),
)
NOT_AN_ID = st.sampled_from(["0", "-1", "abc", "1.5", "1e3", "9" * 30, " 1", "%20", "１"])


def _resolve(schema: dict, document: dict) -> dict:
    while "$ref" in schema:
        node = document
        for part in schema["$ref"].lstrip("#/").split("/"):
            node = node[part]
        schema = node
    return schema


class Generator:
    """Strategies from the (small) JSON Schema dialect the document uses, with known ids for *_id values."""

    def __init__(self, document: dict, ids: dict[str, list]):
        self.document, self.ids = document, ids

    def id_for(self, name: str) -> st.SearchStrategy:
        """Mostly an id that exists, else a small unknown one or an edge of the 64-bit range."""
        known = self.ids.get(name.removesuffix("s"), [])
        edges = st.sampled_from([0, -1, 2**63 - 1, 2**63, 2**64 + 1, -(2**63), 10**30])
        if not known:
            return weighted((3, st.integers(1, 50)), (1, edges))
        return weighted((7, st.sampled_from(known)), (2, st.integers(-5, 50)), (1, edges))

    def value(self, schema: dict, name: str = "", mutate: bool = True) -> st.SearchStrategy:
        schema = _resolve(schema, self.document)
        valid = self._valid(schema, name, mutate)
        if not mutate:
            return valid
        wrong = [ANY_JSON]
        if "maxLength" in schema:
            n = schema["maxLength"]
            wrong.append(st.text(alphabet="abcé ", min_size=n + 1, max_size=n + 3))
        return weighted((8, valid), *((1, w) for w in wrong))  # mostly valid: deeper code is reached

    def _valid(self, schema: dict, name: str, mutate: bool) -> st.SearchStrategy:
        if "enum" in schema:
            return st.sampled_from(schema["enum"])
        kind = schema.get("type")
        if kind == "object":
            return self.obj(schema, mutate)
        if kind == "array":
            items = schema.get("items", {})
            low = schema.get("minItems", 0)
            element = self.id_for(name) if name.endswith("_ids") else self.value(items, name, mutate)
            return st.lists(element, min_size=low, max_size=max(low, 3))
        if kind == "integer":
            if name.endswith("_id"):
                return self.id_for(name)
            return st.integers(min_value=schema.get("minimum", -10), max_value=10**7)
        if kind == "boolean":
            return st.booleans()
        if kind == "string":
            if "ISO 8601" in schema.get("description", "") or name.endswith("_at"):
                return INSTANTS
            if schema.get("format") == "date":
                return DATES
            if "email" in name:
                return EMAILS
            if name == "profile" and self.ids.get("profile"):
                return weighted((4, st.sampled_from(self.ids["profile"])), (1, st.text(max_size=20)))
            if "pattern" in schema:
                return st.from_regex(schema["pattern"], fullmatch=True)
            size = min(schema.get("maxLength", 60), 60)
            return weighted(
                (3, st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=size)),
                (1, st.text(max_size=size)),
            )
        return ANY_JSON

    def obj(self, schema: dict, mutate: bool) -> st.SearchStrategy:
        props = schema.get("properties", {})
        required = [k for k in schema.get("required", []) if k in props]
        valid = st.fixed_dictionaries(
            {k: self.value(props[k], k, mutate) for k in required},
            optional={k: self.value(v, k, mutate) for k, v in props.items() if k not in required},
        )
        if not mutate:
            return valid
        bent = [
            valid.flatmap(
                lambda d: st.dictionaries(
                    st.sampled_from(["unexpected", "id", "__proto__"]), ANY_JSON, min_size=1, max_size=2
                ).map(lambda extra: {**d, **extra})
            )
        ]
        if props:  # one property of a wrong type (or left out, if required)
            bent.append(st.tuples(valid, st.sampled_from(sorted(props)), ANY_JSON).map(lambda t: {**t[0], t[1]: t[2]}))
        if required:
            bent.append(
                st.tuples(valid, st.sampled_from(required)).map(lambda t: {k: v for k, v in t[0].items() if k != t[1]})
            )
        return weighted((6, valid), *((1, b) for b in bent))

    def path(self, template: str, params: list[dict]) -> st.SearchStrategy:
        names = [p["name"] for p in params if p.get("in") == "path"]
        parts = {n: weighted((9, self.id_for(n).map(str)), (1, NOT_AN_ID)) for n in names}
        return st.fixed_dictionaries(parts).map(
            lambda values: re.sub(r"\{(\w+)\}", lambda m: quote(values[m.group(1)], safe=""), template)
        )

    def query(self, params: list[dict]) -> st.SearchStrategy:
        optional = {}
        for p in params:
            if p.get("in") != "query":
                continue
            schema = _resolve(p.get("schema", {}), self.document)
            documented = self._valid(schema, p["name"], mutate=False).map(
                lambda v: json.dumps(v) if isinstance(v, bool) else str(v)
            )
            optional[p["name"]] = weighted((8, documented), (1, st.text(max_size=12)), (1, NOT_AN_ID))
        optional["unexpected"] = st.text(max_size=5)
        return st.fixed_dictionaries({}, optional=optional)

    def body(self, operation: dict) -> st.SearchStrategy:
        content = operation.get("requestBody", {}).get("content", {})
        if "application/json" not in content:
            return st.just(("none", None))
        schema = content["application/json"]["schema"]
        return weighted(
            (5, self.value(schema, mutate=True).map(lambda v: ("json", v))),
            (3, self.value(schema, mutate=False).map(lambda v: ("json", v))),
            (1, ANY_JSON.map(lambda v: ("json", v))),
            (
                1,
                st.sampled_from(
                    [
                        b"",
                        b"{",
                        b'{"a": }',
                        b"\xff\xfe",
                        b"[1, 2",
                        b"\x00",
                        b"{" * 2000 + b"}" * 2000,
                        b"[" * 100_000 + b"]" * 100_000,
                        None,
                    ]
                ).map(lambda raw: ("raw", raw) if raw is not None else ("none", None)),
            ),
        )


# --- data ----------------------------------------------------------------------------------------------------------


@pytest.fixture
def fuzz_world(world, make_user, make_contract):
    """The shared dataset plus a suspected and a dismissed incident, and a handler's token."""
    now = utcnow()
    suspected = create_incident(
        title="Vermoeden", aware_at=now - timedelta(hours=2), contract_ids=[world.a_contract.id]
    )
    dismissed = create_incident(
        title="Geen datalek", aware_at=now - timedelta(hours=2), contract_ids=[world.b_contract.id]
    )
    dismiss(dismissed, "bleek een test")
    later = create_incident(title="Later bevestigd", aware_at=now - timedelta(hours=9))
    confirm(later, now - timedelta(hours=1))
    db.session.commit()
    make_user("fuzz@verwerker.example")
    _, token = create_token("fuzz@verwerker.example", "fuzz")
    db.session.commit()
    ids = {
        "incident_id": [world.shared.id, world.only_b.id, suspected.id, dismissed.id, later.id],
        "controller_id": [world.a.id, world.b.id],
        "contract_id": [world.a_contract.id, world.b_contract.id],
        "message_id": [world.a_message.id, world.b_message.id],
        "document_id": [world.a_document_id, world.b_document_id],
    }
    return token, ids


# --- the checks ----------------------------------------------------------------------------------------------------


def assert_error_shape(response, what: str) -> None:
    assert response.is_json, f"{what}: a {response.status_code} that is not JSON: {response.content_type}"
    body = response.get_json()
    assert isinstance(body, dict) and set(body) == {"error"}, f"{what}: {body!r:.300}"
    error = body["error"]
    assert isinstance(error, dict) and {"code", "message"} <= set(error) <= {"code", "message", "field"}, (
        f"{what}: {error!r:.300}"
    )
    assert isinstance(error["code"], str) and re.fullmatch(r"[a-z0-9_]+", error["code"]), f"{what}: {error!r:.300}"
    assert isinstance(error["message"], str) and error["message"].strip(), f"{what}: {error!r:.300}"
    if "field" in error:
        assert isinstance(error["field"], str) and error["field"], f"{what}: {error!r:.300}"


def checker(client, method: str, requests: st.SearchStrategy, headers: dict):
    """The property for one operation: no 5xx, and every 4xx in the error shape."""

    @settings(
        max_examples=MAX_EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        print_blob=False,
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    )
    @given(requests)
    def check(request):
        path, query, (kind, body) = request
        extra = {}
        if kind == "json":
            extra = {"data": json.dumps(body), "content_type": "application/json"}
        elif kind == "raw":
            extra = {"data": body, "content_type": "application/json"}
        response = client.open(PREFIX + path, method=method.upper(), query_string=query, headers=headers, **extra)
        what = f"{method.upper()} {path} ?{query} {kind} {str(body)[:300]} -> {response.status_code}"
        assert response.status_code < 500, what + f": {response.get_data(as_text=True)[:500]}"
        if 400 <= response.status_code < 500:
            assert_error_shape(response, what)

    return check


def _order(operation: tuple[str, str]) -> tuple[int, str, str]:
    """Reads first, then writes, and the operations that end an incident's open state last: every operation
    runs on the same dataset (one setup for the whole file), and a dismissed incident answers most writes 409."""
    method, path = operation
    last = {"/incidents/{incident_id}/confirm": 2, "/incidents/{incident_id}/dismiss": 3}
    return (0 if method == "get" else last.get(path, 1), path, method)


def test_fuzz_every_operation(client, fuzz_world, subtests):
    token, ids = fuzz_world
    document = client.get(PREFIX + "/openapi.json").get_json()
    served = sorted((m, p) for p, item in document["paths"].items() for m in item if m in METHODS)
    assert served == OPERATIONS, "the served document and the application's SPEC differ"
    profiles = [
        p["key"]
        for p in client.get(PREFIX + "/profiles", headers={"Authorization": f"Bearer {token}"}).get_json()["profiles"]
    ]
    gen = Generator(document, {**ids, "profile": profiles})
    headers = {"Authorization": f"Bearer {token}"}

    for method, template in sorted(OPERATIONS, key=_order):
        item = document["paths"][template]
        operation = item[method]
        params = [*item.get("parameters", []), *operation.get("parameters", [])]
        requests = st.tuples(gen.path(template, params), gen.query(params), gen.body(operation))

        check = checker(client, method, requests, headers)
        with subtests.test(operation=f"{method.upper()} {template}"):
            check()
