from datetime import timedelta

import pytest

from incidents.core.instants import utcnow
from incidents.extensions import db

from ..admin.conftest import admin, admin_client, make_person  # noqa: F401 (the admin pages' fixtures)
from ..api.conftest import new_incident  # noqa: F401 (the API's fixture, for these tests too)


@pytest.fixture
def filing(api, new_incident, make_contract):  # noqa: F811 (the imported fixture, asked for)
    """A confirmed incident on a GDPR contract with a controller notice filed by e-mail: (incident, contract)."""
    contract = make_contract("gdpr-art33")
    incident = new_incident(
        status="confirmed",
        aware_at=(utcnow() - timedelta(hours=5)).isoformat(timespec="seconds"),
        confirmed_at=(utcnow() - timedelta(hours=4)).isoformat(timespec="seconds"),
        contract_ids=[contract.id],
    )
    body = {"kind": "controller_notice", "contract_id": contract.id, "channel": "email", "note": "gebeld"}
    assert api.post(f"/api/v1/incidents/{incident['id']}/filings", json=body).status_code == 201
    db.session.commit()
    return incident, contract
