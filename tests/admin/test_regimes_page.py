"""Beheer → Wettelijke meldplichten: every regime file with its stages, which bind us by our settings, and who
receives the reports; only for administrators."""

from __future__ import annotations

from ..support.html import squeeze


def test_the_administrator_sees_which_regimes_bind_us_and_their_stages(admin_client, app, monkeypatch):
    page = admin_client.get("/admin/regimes?lang=nl")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    text = squeeze(html)
    assert 'data-regime="nis2" data-binding="yes"' in html
    assert 'data-regime="telecommunicatiewet" data-binding="no"' in html
    assert "belangrijke entiteit" in text and "Z-CERT" in text
    assert "1 maand" in text and "de indiening van: Incidentmelding" in text
    assert "eigen plicht van elke verwerkingsverantwoordelijke" in text  # AVG art. 33: the controller's


def test_a_handler_cannot_open_the_administration_of_regimes(logged_in):
    assert logged_in.get("/admin/regimes").status_code in (302, 403)
