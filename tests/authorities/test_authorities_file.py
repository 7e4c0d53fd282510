"""The shipped file of EU/EEA supervisory authorities, its loader, and which authority is competent."""

from __future__ import annotations

from pathlib import Path

import pytest

from incidents.core.authorities import EEA, AuthorityError, competent_authority, load_authorities

FILE = Path(__file__).resolve().parents[2] / "config" / "authorities.toml"


@pytest.fixture(scope="module")
def authorities():
    return load_authorities(FILE)


def test_the_shipped_file_lists_every_eu_and_eea_state_once(authorities):
    assert set(authorities.by_country) == EEA
    assert len(EEA) == 30  # 27 EU member states, Iceland, Liechtenstein, Norway
    assert "EDPB" in authorities.source
    nl, be = authorities.get("NL"), authorities.get("BE")
    assert (nl.name, nl.short_name) == ("Autoriteit Persoonsgegevens", "AP")
    assert nl.label() == "Autoriteit Persoonsgegevens (AP)"
    assert be.short_name == "GBA/APD"
    assert all(a.url.startswith("https://") for a in authorities.by_country.values())


def test_germany_says_the_lander_supervise_private_bodies(authorities):
    de = authorities.get("DE")
    assert de.short_name == "BfDI"
    assert "Land" in de.note and "§ 40 BDSG" in de.note


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "authorities.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("change", "key"),
    [
        (lambda t: t.replace('short_name = "AP"\n', ""), "authorities.NL.short_name"),
        (lambda t: t.replace('url = "https://www.imy.se/"', 'url = "http://www.imy.se/"'), "authorities.SE.url"),
        (lambda t: t.replace("[authorities.NO]", "[authorities.XX]"), "authorities.XX"),
        (lambda t: t.replace('name_en = "Swedish', 'colour = "blue"\nname_en = "Swedish'), "authorities.SE.colour"),
        (
            lambda t: t.replace(
                'checked = "2026-12-04"\n\n[authorities.NO]', 'checked = "gisteren"\n\n[authorities.NO]'
            ),
            "authorities.NL.checked",
        ),
        (lambda t: t.replace("source = ", "herkomst = "), "herkomst"),
        (lambda t: t + "\n[authorities.AT.extra\n", "-"),
    ],
)
def test_a_malformed_file_is_refused_with_its_path_and_key(tmp_path, change, key):
    path = _write(tmp_path, change(FILE.read_text(encoding="utf-8")))
    with pytest.raises(AuthorityError) as refused:
        load_authorities(path)
    assert refused.value.key == key
    assert refused.value.path == str(path)
    assert str(path) in str(refused.value)


def test_a_missing_state_is_refused(tmp_path):
    text = FILE.read_text(encoding="utf-8")
    start = text.index("[authorities.PT]")
    end = text.index("[authorities.RO]")
    with pytest.raises(AuthorityError) as refused:
        load_authorities(_write(tmp_path, text[:start] + text[end:]))
    assert refused.value.key == "authorities.PT"


def test_a_dutch_controller_notifies_the_ap(authorities):
    found = competent_authority("NL", "", authorities)
    assert found.authority.short_name == "AP"
    assert not found.lead and not found.outside_eea


def test_a_belgian_controller_notifies_the_gba(authorities):
    found = competent_authority("BE", None, authorities)
    assert found.authority.short_name == "GBA/APD"
    assert not found.lead


def test_cross_border_goes_to_the_lead_authority_of_the_main_establishment(authorities):
    found = competent_authority("NL", "IE", authorities)
    assert found.authority.country == "IE"
    assert found.lead
    # a main establishment in its own country is no lead-authority case
    assert not competent_authority("FR", "FR", authorities).lead


def test_a_controller_outside_the_eea_gets_no_authority_picked(authorities):
    found = competent_authority("US", "", authorities)
    assert found.authority is None and found.outside_eea
    # ...unless its main establishment is in the EEA (the one-stop shop applies)
    with_main = competent_authority("US", "NL", authorities)
    assert with_main.authority.short_name == "AP" and with_main.lead


def test_a_german_controller_carries_the_lander_note(authorities):
    assert "Land" in competent_authority("DE", "", authorities).note


def test_a_bad_authorities_file_or_template_stops_start_up_naming_file_and_key(tmp_path):
    from incidents import create_app
    from incidents.core.edpb_template import TemplateError

    bad = tmp_path / "authorities.toml"
    bad.write_text(FILE.read_text(encoding="utf-8").replace('short_name = "GBA/APD"', 'short_name = ""'))
    with pytest.raises(AuthorityError) as raised:
        create_app(
            {"AUTHORITIES_FILE": str(bad), "SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x"}, testing=True
        )
    assert str(bad) in str(raised.value) and "authorities.BE.short_name" in str(raised.value)

    template = tmp_path / "edpb-template.toml"
    original = (FILE.parent / "edpb-template.toml").read_text(encoding="utf-8")
    template.write_text(original.replace('source = "field:cause"', 'source = "field:why"'))
    with pytest.raises(TemplateError) as raised_template:
        create_app(
            {"EDPB_TEMPLATE_FILE": str(template), "SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x"},
            testing=True,
        )
    assert str(template) in str(raised_template.value) and ".source" in str(raised_template.value)
