"""missing_fields: canonical order, white space counts as missing, only required keys are reported."""

from __future__ import annotations

import pytest

from incidents.core.fields import FIELD_KEYS, FIELD_LABELS, label, missing_fields

CANONICAL = (
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


def test_field_keys_are_the_documented_nine_in_order():
    assert FIELD_KEYS == CANONICAL
    assert set(FIELD_LABELS) == set(CANONICAL)


def test_nothing_filled_reports_every_required_key_in_canonical_order():
    required = ["measures", "nature", "contact_point", "cause"]
    assert missing_fields(required, {}) == ["nature", "cause", "measures", "contact_point"]


def test_order_does_not_depend_on_the_order_of_required():
    forward = missing_fields(list(CANONICAL), {})
    backward = missing_fields(list(reversed(CANONICAL)), {})
    assert forward == backward == list(CANONICAL)


def test_all_filled_reports_nothing():
    values = {key: f"text for {key}" for key in CANONICAL}
    assert missing_fields(CANONICAL, values) == []


def test_no_required_fields_reports_nothing():
    assert missing_fields([], {}) == []
    assert missing_fields((), {"nature": ""}) == []


@pytest.mark.parametrize("blank", ["", " ", "   ", "\t", "\n", " \r\n\t ", "\u00a0", "\u2003\n"])
def test_white_space_only_counts_as_missing(blank):
    assert missing_fields(["nature", "measures"], {"nature": blank, "measures": "patched"}) == ["nature"]


def test_none_counts_as_missing():
    assert missing_fields(["cause"], {"cause": None}) == ["cause"]


def test_text_with_surrounding_white_space_is_present():
    assert missing_fields(["nature", "cause"], {"nature": "  phishing \n", "cause": "\tlost laptop"}) == []


def test_values_for_keys_not_required_are_ignored():
    # an empty optional field is not reported, a filled optional field does not hide a missing required one
    values = {"cause": "", "records": "1000", "nature": " "}
    assert missing_fields(["nature", "measures"], values) == ["nature", "measures"]


def test_duplicate_required_keys_are_reported_once():
    assert missing_fields(["measures", "measures", "nature", "measures"], {}) == ["nature", "measures"]


def test_required_accepts_any_iterable():
    assert missing_fields(iter(["records", "nature"]), {"records": "12"}) == ["nature"]
    assert missing_fields({"records", "nature"}, {"nature": "x"}) == ["records"]


def test_profile_style_required_lists():
    citodent = ["cause", "measures", "informed_parties"]
    assert missing_fields(citodent, {"measures": "reset passwords"}) == ["cause", "informed_parties"]
    gdpr = ["nature", "affected_data", "data_subjects", "records", "consequences", "measures", "contact_point"]
    filled = {"nature": "x", "records": "  ", "contact_point": "FG", "cause": "irrelevant"}
    assert missing_fields(gdpr, filled) == ["affected_data", "data_subjects", "records", "consequences", "measures"]


def test_labels_dutch_by_default_english_on_request():
    assert label("nature") == "Aard van de inbreuk"
    assert label("nature", "nl") == "Aard van de inbreuk"
    assert label("contact_point", "en") == "Contact point (DPO or other)"
    with pytest.raises(KeyError):
        label("bogus")
