"""Schemathesis (an independent fuzzer) against the document the app serves, in-process through the WSGI app, with
every one of its checks: once with a processor handler's token, once with a controller user's token (with the other
controller's user as its peer, so that its object-level authorisation check compares what each may read). A few
examples per operation in each phase (examples, coverage, fuzzing, stateful), so that a run takes a minute or so.
Zero failures: a request that matches the document is accepted, one that does not is refused, every response is
documented, and nothing of one controller reaches the other.

Two settings are not schemathesis's defaults, each for a reason of its own:
- ``positive_data_acceptance`` expects 422 as well: a request that matches the schema can still break a rule no
  schema can state (an id that does not exist, a time in the future). The document lists those rules per operation
  (the 422's ``x-rules``), and ``refused_only_by_a_documented_rule`` below holds every such 422 to that list: a
  refusal of a schema-valid request for any other reason is a failure, as schemathesis's own check would report it.
- ``generation.allow-x00`` is off: a NUL byte is refused wherever it is in a body (docs/API.md), even in a value
  the document leaves open (a key a route ignores), which a schema of that value cannot say. Where the document
  forbids NUL (in every text pattern: openapi_inputs.NUL_REFUSED), the negative cases still send it there.
"""

from __future__ import annotations

import json
import os
import time
from datetime import timedelta

import pytest
import schemathesis
from schemathesis.engine import events, from_schema
from schemathesis.engine.statistic import Statistic
from schemathesis.specs.openapi.checks import is_unexpected_http_status_case
from schemathesis.transport.wsgi import WSGITransport

from incidents.auth.service import create_token, create_user
from incidents.breaches.service import create_incident
from incidents.core.instants import utcnow
from incidents.extensions import db
from incidents.notices.service import issue_notices

# Fixed, so that CI runs the same cases every time; to explore further, set other values in the environment.
MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "10"))
SEED = int(os.environ.get("SCHEMATHESIS_SEED", "14"))


@schemathesis.check
def refused_only_by_a_documented_rule(ctx, response, case):
    """A request generated to match the document (positive mode) is refused with 422 only for one of the rules its
    operation lists in the 422's x-rules, named by the error's code and field."""
    if case.meta is None or not case.meta.generation.mode.is_positive or is_unexpected_http_status_case(case):
        return None
    if response.status_code != 422:
        return None
    error = json.loads(response.content)["error"]
    rules = case.operation.definition.raw["responses"]["422"].get("x-rules", [])
    known = {(r["code"], r["field"]) for r in rules}
    assert (error["code"], error.get("field")) in known, (
        f"a request that matches the document was refused for a reason the document does not state: {error}"
    )
    return None


@pytest.fixture
def wsgi_probes(monkeypatch):
    """Schemathesis 4.32.5 sends the probes of its `ignored_auth` and `object_level_authorization` checks through
    the WSGI transport with the run's requests-only settings (max_redirects, verify, cert), which werkzeug's test
    client refuses with a TypeError; the transport drops them itself for an ordinary request. Drop them for the
    probes too."""
    send = WSGITransport.send

    def without_socket_settings(self, case, *, session=None, **kwargs):
        if session is None:
            for name in ("max_redirects", "verify", "cert", "proxies"):
                kwargs.pop(name, None)
        return send(self, case, session=session, **kwargs)

    monkeypatch.setattr(WSGITransport, "send", without_socket_settings)


def seed(make_controller, make_contract) -> dict[str, str]:
    """Controllers A and B, an incident affecting a contract of each (notices issued: a document and an outbox
    message each), five affecting neither, one affecting only A and one only B; a handler, and a controller user for
    each. Returns their tokens."""
    a = make_controller(name="Tandartspraktijk Alfa", contact_email="fg@alfa.example")
    b = make_controller(name="Kliniek Beta", contact_email="fg@beta.example")
    a_contract = make_contract("boz-72h", a, reference="VO-ALFA")
    b_contract = make_contract("gdpr-art33", b, reference="VO-BETA")
    now = utcnow()
    shared = create_incident(
        title="Gedeelde storing",
        aware_at=now - timedelta(hours=5),
        status="confirmed",
        confirmed_at=now - timedelta(hours=4),
        contract_ids=[a_contract.id, b_contract.id],
        fields={"nature": "phishing"},
    )
    # Incidents of nobody's first, so that the id of A's own incident is a number B's listing does not hold anywhere
    # (the object-level check takes any equal value in a listing, a total or a page number too, as listing it).
    for n in range(5):
        create_incident(title=f"Intern onderzoek {n}", aware_at=now - timedelta(hours=3))
    for title, contract in (("Alleen Alfa", a_contract), ("Alleen Beta", b_contract)):
        create_incident(title=title, aware_at=now - timedelta(hours=3), status="confirmed", contract_ids=[contract.id])
    db.session.commit()
    issue_notices(shared, all_=True)
    create_user("handler@verwerker.example", "handler", "correct horse battery", name="Hanna Handler")
    create_user("fg@alfa.example", "controller", "correct horse battery", controller_id=a.id, name="Fenna Alfa")
    create_user("fg@beta.example", "controller", "correct horse battery", controller_id=b.id, name="Bert Beta")
    db.session.commit()
    tokens = {
        "handler": create_token("handler@verwerker.example", "schemathesis")[1],
        "controller-a": create_token("fg@alfa.example", "schemathesis")[1],
        "controller-b": create_token("fg@beta.example", "schemathesis")[1],
    }
    db.session.commit()
    return tokens


def auth(role: str, tokens: dict[str, str], folder) -> dict:
    """The handler's token; or controller A's with B's as its peer (a Web Fuzzing Commons auth file)."""
    if role == "handler":
        return {"headers": {"Authorization": f"Bearer {tokens['handler']}"}}
    users = [
        {"name": name, "fixedHeaders": [{"name": "Authorization", "value": f"Bearer {tokens[name]}"}]}
        for name in ("controller-a", "controller-b")
    ]
    path = folder / "auth.json"
    path.write_text(json.dumps({"auth": users}))
    return {"auth": {"wfc": {"path": str(path), "peers": ["controller-a", "controller-b"]}}}


def run(app, settings: dict, **include) -> tuple[Statistic, list, tuple[float, float]]:
    """A schemathesis run (every operation, or those ``include`` names); the statistic, the errors (not failures:
    schemathesis could not test), and the seconds it took (elapsed, and of CPU)."""
    defaults = {
        "seed": SEED,
        "workers": 1,
        "continue-on-failure": True,
        "generation": {"max-examples": MAX_EXAMPLES, "database": "none", "allow-x00": False},
        "phases": {"coverage": {"generate-duplicate-query-parameters": True}},
        "checks": {"positive_data_acceptance": {"expected-statuses": ["2xx", "401", "403", "404", "409", "422"]}},
        "cache": {"enabled": False},
    }
    config = schemathesis.Config.from_dict(
        {
            key: {**defaults.get(key, {}), **value} if isinstance(value, dict) else value
            for key, value in settings.items()
        }
        | {key: value for key, value in defaults.items() if key not in settings}
    )
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app, config=config)
    if include:
        schema = schema.include(**include)
    statistic, errors = Statistic(), []
    started, cpu = time.monotonic(), time.process_time()
    for event in from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished) and event.is_test_scenario:
            statistic.on_scenario_finished(event.recorder)
        elif isinstance(event, events.NonFatalError | events.FatalError):
            errors.append(event)
        elif isinstance(event, events.EngineFinished) and event.failures:
            statistic.record_run_check_failures(event.failures, label="after the run")
    return statistic, errors, (time.monotonic() - started, time.process_time() - cpu)


def failures(statistic: Statistic) -> list[str]:
    found = []
    for label, groups in statistic.failures.items():
        for group in groups.values():
            status = group.response.status_code if group.response is not None else "-"
            body = group.response.content[:300].decode(errors="replace") if group.response is not None else ""
            for failure in group.failures:
                found.append(
                    f"{label}: [{failure.code}] {failure.title} ({status} {body})\n    {failure.message}\n"
                    f"    {(group.code_sample or '')[:1500]}"
                )
    return found


@pytest.mark.live_database  # schemathesis's worker thread sends the requests: it needs real commits
@pytest.mark.parametrize("role", ["handler", "controller"])
def test_schemathesis_finds_nothing(app, make_controller, make_contract, wsgi_probes, tmp_path, role):
    tokens = seed(make_controller, make_contract)
    statistic, errors, (elapsed, cpu) = run(app, auth(role, tokens, tmp_path))
    print(f"schemathesis, {role}: {statistic.total_cases} cases in {elapsed:.0f} s ({cpu:.0f} s of CPU)")
    assert not errors, "\n\n".join(e.info.format() if hasattr(e, "info") else repr(e) for e in errors[:5])
    assert not failures(statistic), "\n".join(failures(statistic))
    assert statistic.total_cases > 500, statistic.total_cases  # it really ran (each operation, each phase)


@pytest.mark.live_database
def test_a_refusal_the_document_does_not_list_is_a_failure(
    app, make_controller, make_contract, wsgi_probes, monkeypatch, tmp_path
):
    """The check above has teeth: without unknown_controller among the register's rules, a schema-valid request for
    a controller id that does not exist (refused, 422 unknown_controller) is reported."""
    from incidents.api.openapi import SPEC

    tokens = seed(make_controller, make_contract)
    refusal = SPEC["paths"]["/register"]["get"]["responses"]["422"]
    monkeypatch.setitem(refusal, "x-rules", [r for r in refusal["x-rules"] if r["code"] != "unknown_controller"])
    only_fuzzing = {name: {"enabled": False} for name in ("examples", "coverage", "stateful")}
    statistic, errors, _ = run(
        app,
        {**auth("handler", tokens, tmp_path), "phases": only_fuzzing, "generation": {"max-examples": 30}},
        path="/register",
    )
    assert not errors
    found = failures(statistic)
    assert found and all("refused_only_by_a_documented_rule" in f and "unknown_controller" in f for f in found), found


@pytest.mark.live_database
def test_an_incident_one_controller_reads_of_the_others_is_a_failure(
    app, make_controller, make_contract, wsgi_probes, monkeypatch, tmp_path
):
    """The object-level check has teeth with this data: were GET /incidents/{id} to give any incident whole to any
    controller user (a broken scope), B reading the incident A lists and B does not is reported."""
    from incidents.api import ApiError
    from incidents.api import incidents_routes as routes
    from incidents.breaches.models import Incident
    from incidents.lookup import find

    def unscoped(incident_id: int):
        incident = find(Incident, incident_id)
        if incident is None:
            raise ApiError(404, "not_found", f"there is no incident with id {incident_id}")
        return incident

    whole = routes.incident_json
    monkeypatch.setattr(routes, "_incident", unscoped)
    monkeypatch.setattr(routes, "incident_json", lambda incident, limit=None: whole(incident))
    tokens = seed(make_controller, make_contract)
    statistic, errors, _ = run(
        app, auth("controller", tokens, tmp_path), path_regex="^/incidents(/\\{incident_id\\})?$"
    )
    assert not errors
    found = failures(statistic)
    assert any("[ST402]" in f and "`controller-b` received the `Incident` that `controller-a` owns" in f for f in found)
