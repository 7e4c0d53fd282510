from __future__ import annotations

import io

from ..support.forms import csrf_token

HEADER = "controller,contact_email,kvk,profile,reference\n"


def post(client, text=None, file=None, name="contracten.csv", lang=None):
    token = csrf_token(client, "/contracts/import" + (f"?lang={lang}" if lang else ""))
    data = {"csrf_token": token}
    if text is not None:
        data["text"] = text
    if file is not None:
        data["file"] = (io.BytesIO(file), name)
    return client.post("/contracts/import", data=data, content_type="multipart/form-data")


def test_every_bad_row_is_reported_with_its_line(logged_in, make_contract, row_counts):
    make_contract("doctolib", reference="VO-EXISTS")
    before = row_counts()
    text = (
        HEADER
        + "\n".join(
            [
                "Kliniek A,fg@a.example,12345678,boz-72h,VO-A1",  # line 2: fine
                ",fg@b.example,,boz-72h,VO-B1",  # line 3: no name
                "Kliniek C,not-an-email,,boz-72h,VO-C1",  # line 4: bad e-mail
                "Kliniek D,fg@d.example,123,boz-72h,VO-D1",  # line 5: bad KvK
                "Kliniek E,fg@e.example,,unknown,VO-E1",  # line 6: unknown profile
                "Kliniek F,fg@f.example,,boz-24h,VO-A1",  # line 7: duplicate in file
                "Kliniek G,fg@g.example,,boz-24h,VO-EXISTS",  # line 8: exists already
            ]
        )
        + "\n"
    )
    response = post(logged_in, file=text.encode())
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    for line in (3, 4, 5, 6, 7, 8):
        assert f'data-line="{line}"' in html
    assert 'data-line="2"' not in html
    assert row_counts() == before
    # every reason in Dutch (the e-mail validator's English reason is left out)
    for dutch in (
        "de naam van de verwerkingsverantwoordelijke is leeg",
        "‘not-an-email’ is geen geldig e-mailadres",
        "een KvK-nummer heeft precies 8 cijfers",
        "onbekend profiel ‘unknown’",
        "kenmerk ‘VO-A1’ staat ook op regel 2",
        "contract ‘VO-EXISTS’ bestaat al",
    ):
        assert dutch in html, dutch
    assert "@-sign" not in html and "already exists" not in html
    english = post(logged_in, file=text.encode(), name="contracten.csv", lang="en").get_data(as_text=True)
    assert "contract &#39;VO-EXISTS&#39; already exists" in english and "is not a valid e-mail address" in english


def test_semicolons_bom_and_dutch_headers(logged_in, row_counts):
    text = (
        "\ufeffverwerkingsverantwoordelijke;e-mail;kvk;profiel;referentie\n"
        "Huisartsen Ĳsselhof;fg@ijssel.example;12345678;doctolib;VO-1\n"
    )
    response = post(logged_in, file=text.encode("utf-8"))
    assert response.status_code == 302
    assert row_counts()["contracts"] == 1 and row_counts()["controllers"] == 1


def test_wrong_type_and_missing_columns(logged_in, row_counts):
    before = row_counts()
    assert post(logged_in, file=b"x", name="contracts.xlsx").status_code == 422
    response = post(logged_in, text="name,email\nA,b@c.example\n")
    assert response.status_code == 422
    assert "ontbrekende kolommen: controller, kvk, profile, reference" in response.get_data(as_text=True)
    assert post(logged_in, file=b"\xff\xfe\x00bad", name="c.csv").status_code == 422
    assert row_counts() == before
