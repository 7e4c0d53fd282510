"""Clause profiles: the six shipped files match docs/PROFILES.md; malformed files are refused with path and key."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from incidents.core.profiles import (
    AP_CLAUSE,
    ClauseProfile,
    ObligationRule,
    ProfileError,
    load_profiles,
)

PROFILE_DIR = Path(__file__).resolve().parents[2] / "config" / "profiles"

ALL_SEVEN = ("nature", "affected_data", "data_subjects", "records", "consequences", "measures", "contact_point")
BOZ_FIELDS = ("nature", "affected_data", "consequences", "measures")

# The docs/PROFILES.md table, written out by hand:
# key: (obligations as (kind, mode, hours, trigger), required fields, files with AP, may inform data subjects)
TABLE = {
    "doctolib": (
        [
            ("controller_notice", "immediate", 24, "confirmed"),
            ("awareness_notice", "immediate", 24, "suspected"),
            ("authority_contact_notice", "immediate", 24, "authority_contact"),
        ],
        ("nature", "consequences", "measures"),
        False,
        False,
    ),
    "addendum-gegevensbescherming": (
        [
            ("controller_notice", "immediate", 24, "confirmed"),
            ("investigation_report", "immediate", 72, "confirmed"),
            ("authority_contact_notice", "immediate", 24, "authority_contact"),
        ],
        ALL_SEVEN,
        False,
        False,
    ),
    "citodent": (
        [("controller_notice", "immediate", 24, "confirmed"), ("awareness_notice", "immediate", 24, "suspected")],
        ("cause", "measures", "informed_parties"),
        True,
        True,
    ),
    "boz-72h": (
        [
            ("controller_notice", "within", 72, "confirmed"),
            ("controller_consultation", "within", 72, "confirmed"),
            ("investigation_report", "immediate", 72, "confirmed"),
            ("authority_contact_notice", "immediate", 24, "authority_contact"),
        ],
        BOZ_FIELDS,
        False,
        False,
    ),
    "boz-24h": (
        [
            ("controller_notice", "within", 24, "confirmed"),
            ("controller_consultation", "within", 24, "confirmed"),
            ("investigation_report", "immediate", 72, "confirmed"),
            ("authority_contact_notice", "immediate", 24, "authority_contact"),
        ],
        BOZ_FIELDS,
        False,
        False,
    ),
    "gdpr-art33": (
        [("controller_notice", "immediate", 24, "confirmed")],
        ALL_SEVEN,
        False,
        False,
    ),
}

ARTICLE_FRAGMENT = {
    "doctolib": "4.1–4.3",
    "addendum-gegevensbescherming": "13.1–13.4",
    "citodent": "6.1–6.3",
    "boz-72h": "5.2–5.6",
    "boz-24h": "5.2–5.6",
    "gdpr-art33": "33",
}


@pytest.fixture(scope="module")
def shipped():
    return load_profiles(PROFILE_DIR)


def test_exactly_the_six_shipped_profiles(shipped):
    assert set(shipped) == set(TABLE)
    assert len(shipped) == 6


@pytest.mark.parametrize("key", sorted(TABLE))
def test_shipped_profile_matches_the_table(shipped, key):
    rules, fields, files_with_ap, may_inform = TABLE[key]
    profile = shipped[key]
    assert isinstance(profile, ClauseProfile)
    assert profile.key == key
    assert [(r.kind, r.mode, r.hours, r.trigger) for r in profile.obligations] == rules
    assert profile.required_fields == fields
    assert profile.processor_files_with_ap is files_with_ap
    assert profile.processor_may_inform_data_subjects is may_inform
    assert ARTICLE_FRAGMENT[key] in profile.article
    assert profile.title.strip()
    assert profile.source.strip()
    assert profile.path == str(PROFILE_DIR / f"{key}.toml")
    for rule in profile.obligations:
        assert rule.clause.strip()
        assert rule.wording.strip()


def test_notices_owed_from_awareness_cite_citodent_6_2_and_doctolib_3_2(shipped):
    assert shipped["citodent"].rule("awareness_notice").clause == "Art. 6.2"
    assert shipped["citodent"].rule("controller_notice").clause == "Art. 6.1"
    assert shipped["doctolib"].rule("awareness_notice").clause == "Art. 3.2"


def test_an_awareness_notice_must_run_from_awareness(tmp_path):
    path = tmp_path / "own.toml"
    text = (PROFILE_DIR / "citodent.toml").read_text(encoding="utf-8").replace('key = "citodent"', 'key = "own"')
    path.write_text(text.replace('kind = "awareness_notice"\n', 'kind = "awareness_notice"\ntrigger = "confirmed"\n'))
    with pytest.raises(ProfileError, match=r"obligations\[1\]\.trigger.*must be suspected"):
        load_profiles(tmp_path)


def test_how_the_hours_are_to_be_read(shipped):
    # BOZ 5.2 "onmiddellijk, doch uiterlijk binnen 72 uur": an outer limit; "onverwijld" (Doctolib 4.1): our own
    # internal target, never a contract term
    assert shipped["boz-72h"].rule("controller_notice").norm == "outer_limit"
    assert shipped["doctolib"].rule("controller_notice").norm == "internal"
    assert hand_rule("within").norm == "term"


def hand_rule(mode: str) -> ObligationRule:
    return ObligationRule(kind="controller_notice", mode=mode, hours=72, trigger="confirmed", clause="x", wording="y")


def test_at_the_latest_belongs_to_a_term(tmp_path):
    path = tmp_path / "own.toml"
    text = (PROFILE_DIR / "doctolib.toml").read_text(encoding="utf-8").replace('key = "doctolib"', 'key = "own"')
    path.write_text(text.replace('mode = "immediate"\n', 'mode = "immediate"\nat_the_latest = true\n', 1))
    with pytest.raises(ProfileError, match=r"obligations\[0\]\.at_the_latest.*belongs to mode 'within'"):
        load_profiles(tmp_path)


def test_reports_are_owed_by_boz_5_4_and_addendum_13_1_2(shipped):
    assert shipped["boz-72h"].rule("investigation_report").clause == "Art. 5.4"
    assert shipped["addendum-gegevensbescherming"].rule("investigation_report").clause == "Art. 13.1 (2)"
    assert {k for k, p in shipped.items() if p.rule("investigation_report")} == {
        "boz-72h",
        "boz-24h",
        "addendum-gegevensbescherming",
    }


def test_boz_clauses_cite_articles_5_2_and_5_3(shipped):
    for key in ("boz-72h", "boz-24h"):
        assert shipped[key].rule("controller_notice").clause == "Art. 5.2"
        assert shipped[key].rule("controller_consultation").clause == "Art. 5.3"


def test_only_boz_profiles_have_a_consultation(shipped):
    with_consultation = {k for k, p in shipped.items() if p.rule("controller_consultation") is not None}
    assert with_consultation == {"boz-72h", "boz-24h"}


def test_ap_clause_default_and_citodent_own(shipped):
    assert shipped["citodent"].ap_clause == "Art. 6.1"
    for key in TABLE.keys() - {"citodent"}:
        assert shipped[key].ap_clause == AP_CLAUSE == "AVG art. 33 lid 1"


def test_rule_lookup_and_as_dict(shipped):
    boz = shipped["boz-72h"]
    assert boz.rule("ap_notification") is None
    assert isinstance(boz.rule("controller_notice"), ObligationRule)
    data = boz.as_dict()
    assert data["key"] == "boz-72h"
    assert data["required_fields"] == list(BOZ_FIELDS)
    assert data["processor_files_with_ap"] is False
    assert data["processor_may_inform_data_subjects"] is False
    assert [{k: o[k] for k in ("kind", "mode", "hours", "norm", "clause")} for o in data["obligations"]] == [
        {"kind": "controller_notice", "mode": "within", "hours": 72, "norm": "outer_limit", "clause": "Art. 5.2"},
        {
            "kind": "controller_consultation",
            "mode": "within",
            "hours": 72,
            "norm": "outer_limit",
            "clause": "Art. 5.3",
        },
        {"kind": "investigation_report", "mode": "immediate", "hours": 72, "norm": "internal", "clause": "Art. 5.4"},
        {
            "kind": "authority_contact_notice",
            "mode": "immediate",
            "hours": 24,
            "norm": "internal",
            "clause": "Art. 5.7",
        },
    ]
    json.dumps(data)  # serialisable as the API promises


# --- target_hours override ------------------------------------------------------------------------------


def test_target_hours_override_changes_an_immediate_rule():
    profiles = load_profiles(PROFILE_DIR, target_hours={"doctolib": 4, "citodent": 2})
    assert profiles["doctolib"].rule("controller_notice").hours == 4
    assert profiles["citodent"].rule("controller_notice").hours == 2
    # profiles not named keep their own target
    assert profiles["gdpr-art33"].rule("controller_notice").hours == 24
    assert profiles["addendum-gegevensbescherming"].rule("controller_notice").hours == 24


def test_target_hours_override_does_not_touch_a_fixed_window():
    profiles = load_profiles(PROFILE_DIR, target_hours={"boz-72h": 4})
    assert profiles["boz-72h"].rule("controller_notice").hours == 72
    assert profiles["boz-72h"].rule("controller_consultation").hours == 72


def test_target_hours_override_for_unknown_profile_is_harmless():
    profiles = load_profiles(PROFILE_DIR, target_hours={"no-such-profile": 4})
    assert profiles["doctolib"].rule("controller_notice").hours == 24


@pytest.mark.parametrize("bad", [0, -1, 8761, True])
def test_target_hours_override_is_validated(bad):
    with pytest.raises(ProfileError) as info:
        load_profiles(PROFILE_DIR, target_hours={"doctolib": bad})
    assert info.value.key == "obligations[0].hours"
    assert "doctolib.toml" in str(info.value)


# --- malformed profiles -----------------------------------------------------------------------------------


def _value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    raise TypeError(value)


def to_toml(data: dict) -> str:
    """Enough TOML for these profiles: scalars, lists of scalars, and an array of tables `obligations`."""
    lines = []
    tables = None
    for key, value in data.items():
        if key == "obligations" and isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            tables = value
            continue
        lines.append(f"{key} = {_value(value)}")
    for table in tables or ():
        lines.append("")
        lines.append("[[obligations]]")
        lines.extend(f"{k} = {_value(v)}" for k, v in table.items())
    return "\n".join(lines) + "\n"


def base(key: str = "sample") -> dict:
    return {
        "key": key,
        "title": "Sample contract",
        "source": "Sample B.V. Verwerkersovereenkomst",
        "article": "art. 1",
        "trigger": "confirmed",
        "required_fields": ["nature", "measures"],
        "processor_files_with_ap": False,
        "processor_may_inform_data_subjects": False,
        "obligations": [
            {
                "kind": "controller_notice",
                "mode": "within",
                "hours": 48,
                "clause": "Art. 1.1",
                "wording": "binnen 48 uur",
            },
        ],
    }


def write(folder: Path, data: dict, name: str = "sample") -> Path:
    path = folder / f"{name}.toml"
    path.write_text(to_toml(data), encoding="utf-8")
    return path


def refused(folder: Path) -> ProfileError:
    with pytest.raises(ProfileError) as info:
        load_profiles(folder)
    return info.value


def test_the_base_profile_is_valid(tmp_path):
    write(tmp_path, base())
    profiles = load_profiles(tmp_path)
    profile = profiles["sample"]
    assert [(r.kind, r.mode, r.hours, r.trigger) for r in profile.obligations] == [
        ("controller_notice", "within", 48, "confirmed")
    ]
    assert profile.required_fields == ("nature", "measures")
    assert profile.path == str(tmp_path / "sample.toml")


def test_immediate_rule_without_hours_defaults_to_24(tmp_path):
    data = base()
    del data["obligations"][0]["hours"]
    data["obligations"][0]["mode"] = "immediate"
    write(tmp_path, data)
    assert load_profiles(tmp_path)["sample"].rule("controller_notice").hours == 24


def test_rule_trigger_overrides_profile_trigger(tmp_path):
    data = base()
    data["obligations"].append(
        {
            "kind": "controller_consultation",
            "mode": "within",
            "hours": 12,
            "trigger": "suspected",
            "clause": "1.2",
            "wording": "overleg",
        }
    )
    write(tmp_path, data)
    profile = load_profiles(tmp_path)["sample"]
    assert profile.rule("controller_notice").trigger == "confirmed"
    assert profile.rule("controller_consultation").trigger == "suspected"
    assert profile.rule("controller_consultation").hours == 12


def test_non_toml_files_are_ignored(tmp_path):
    write(tmp_path, base())
    (tmp_path / "README.md").write_text("not a profile", encoding="utf-8")
    (tmp_path / "broken.toml.bak").write_text("= = =", encoding="utf-8")
    assert set(load_profiles(tmp_path)) == {"sample"}


def _assert_names(error: ProfileError, path: Path, key: str) -> None:
    assert error.path == str(path)
    assert error.key == key
    message = str(error)
    assert str(path) in message
    assert f"'{key}'" in message


TOP_LEVEL_REQUIRED = (
    "key",
    "title",
    "source",
    "article",
    "trigger",
    "required_fields",
    "processor_files_with_ap",
    "processor_may_inform_data_subjects",
    "obligations",
)


@pytest.mark.parametrize("missing", TOP_LEVEL_REQUIRED)
def test_missing_top_level_key_is_refused(tmp_path, missing):
    data = base()
    del data[missing]
    path = write(tmp_path, data)
    error = refused(tmp_path)
    _assert_names(error, path, missing)
    assert "missing" in str(error)


@pytest.mark.parametrize("missing", ["kind", "mode", "clause", "wording"])
def test_missing_obligation_key_is_refused(tmp_path, missing):
    data = base()
    del data["obligations"][0][missing]
    path = write(tmp_path, data)
    _assert_names(refused(tmp_path), path, f"obligations[0].{missing}")


def test_missing_hours_in_a_within_rule_is_refused(tmp_path):
    data = base()
    del data["obligations"][0]["hours"]
    path = write(tmp_path, data)
    _assert_names(refused(tmp_path), path, "obligations[0].hours")


def test_error_in_second_rule_names_its_index(tmp_path):
    data = base()
    data["obligations"].append(
        {"kind": "controller_consultation", "mode": "within", "hours": "72", "clause": "c", "wording": "w"}
    )
    path = write(tmp_path, data)
    _assert_names(refused(tmp_path), path, "obligations[1].hours")


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("title", 5),
        ("title", "   "),
        ("source", True),
        ("article", ["art. 1"]),
        ("key", 7),
        ("trigger", 1),
        ("trigger", "maybe"),
        ("required_fields", "nature"),
        ("processor_files_with_ap", "no"),
        ("processor_files_with_ap", 0),
        ("processor_may_inform_data_subjects", "yes"),
        ("processor_may_inform_data_subjects", 1),
        ("obligations", "controller_notice"),
        ("obligations", []),
    ],
)
def test_wrong_top_level_value_is_refused(tmp_path, key, value):
    data = base()
    data[key] = value
    path = write(tmp_path, data)
    _assert_names(refused(tmp_path), path, key)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("hours", "24"),
        ("hours", 24.0),
        ("hours", 24.5),
        ("hours", True),
        ("hours", 0),
        ("hours", -24),
        ("hours", 8761),
        ("mode", "soon"),
        ("mode", 1),
        ("kind", 3),
        ("trigger", "never"),
        ("clause", ""),
        ("wording", 12),
    ],
)
def test_wrong_obligation_value_is_refused(tmp_path, key, value):
    data = base()
    data["obligations"][0][key] = value
    path = write(tmp_path, data)
    _assert_names(refused(tmp_path), path, f"obligations[0].{key}")


@pytest.mark.parametrize("hours", ["24", 12.5, False])
def test_wrong_hours_in_an_immediate_rule_is_refused(tmp_path, hours):
    data = base()
    data["obligations"][0].update(mode="immediate", hours=hours)
    path = write(tmp_path, data)
    _assert_names(refused(tmp_path), path, "obligations[0].hours")


@pytest.mark.parametrize("hours", [1, 8760])
def test_hours_bounds_are_inclusive(tmp_path, hours):
    data = base()
    data["obligations"][0]["hours"] = hours
    write(tmp_path, data)
    assert load_profiles(tmp_path)["sample"].rule("controller_notice").hours == hours


def test_obligation_that_is_not_a_table_is_refused(tmp_path):
    path = tmp_path / "sample.toml"
    text = to_toml({k: v for k, v in base().items() if k != "obligations"}) + 'obligations = ["controller_notice"]\n'
    path.write_text(text, encoding="utf-8")
    _assert_names(refused(tmp_path), path, "obligations[0]")


def test_unknown_field_key_in_required_fields_is_refused(tmp_path):
    data = base()
    data["required_fields"] = ["nature", "measures", "shoe_size"]
    path = write(tmp_path, data)
    error = refused(tmp_path)
    _assert_names(error, path, "required_fields[2]")
    assert "shoe_size" in str(error)


@pytest.mark.parametrize("kind", ["ap_notification", "data_subject_notice", "Controller_Notice"])
def test_unknown_obligation_kind_is_refused(tmp_path, kind):
    data = base()
    data["obligations"].append({"kind": kind, "mode": "within", "hours": 72, "clause": "c", "wording": "w"})
    path = write(tmp_path, data)
    _assert_names(refused(tmp_path), path, "obligations[1].kind")


def test_unknown_top_level_key_is_refused(tmp_path):
    data = base()
    data["deadline_hours"] = 24
    path = write(tmp_path, data)
    error = refused(tmp_path)
    _assert_names(error, path, "deadline_hours")
    assert "not a known key" in str(error)


def test_unknown_obligation_key_is_refused(tmp_path):
    data = base()
    data["obligations"][0]["grace_hours"] = 2
    path = write(tmp_path, data)
    _assert_names(refused(tmp_path), path, "obligations[0].grace_hours")


def test_key_not_matching_the_file_name_is_refused(tmp_path):
    path = write(tmp_path, base("sample"), name="other-name")
    error = refused(tmp_path)
    _assert_names(error, path, "key")
    assert "other-name" in str(error)


def test_profile_without_controller_notice_is_refused(tmp_path):
    data = base()
    data["obligations"][0]["kind"] = "controller_consultation"
    path = write(tmp_path, data)
    _assert_names(refused(tmp_path), path, "obligations")


def test_same_kind_twice_is_refused(tmp_path):
    data = base()
    data["obligations"].append(dict(data["obligations"][0]))
    path = write(tmp_path, data)
    _assert_names(refused(tmp_path), path, "obligations")


@pytest.mark.parametrize("text", ['key = "sample"\ntitle = \n', "key = 'sample'\nkey = 'sample'\n", "[[[", "= 1"])
def test_invalid_toml_is_refused_with_its_path(tmp_path, text):
    path = tmp_path / "sample.toml"
    path.write_text(text, encoding="utf-8")
    error = refused(tmp_path)
    assert error.path == str(path)
    assert str(path) in str(error)
    assert "TOML" in str(error)


def test_file_that_is_not_utf8_is_refused_with_its_path(tmp_path):
    path = tmp_path / "sample.toml"
    path.write_bytes(to_toml(base()).replace("Sample contract", "Caf\xe9").encode("latin-1"))
    error = refused(tmp_path)
    assert str(path) in str(error)


def test_one_bad_file_among_good_ones_stops_the_load(tmp_path):
    write(tmp_path, base("aaa-good"), name="aaa-good")
    data = base("zzz-bad")
    data["processor_files_with_ap"] = "no"
    bad = write(tmp_path, data, name="zzz-bad")
    _assert_names(refused(tmp_path), bad, "processor_files_with_ap")


def test_empty_folder_is_refused_with_its_path(tmp_path):
    error = refused(tmp_path)
    assert str(tmp_path) in str(error)
    assert "no *.toml" in str(error)


def test_folder_with_only_other_files_is_refused(tmp_path):
    (tmp_path / "notes.txt").write_text("hello", encoding="utf-8")
    error = refused(tmp_path)
    assert str(tmp_path) in str(error)


def test_missing_folder_is_refused_with_its_path(tmp_path):
    missing = tmp_path / "does-not-exist"
    error = refused(missing)
    assert str(missing) in str(error)


@pytest.mark.parametrize(("key", "value"), [("ap_clause", 5), ("ap_wording", ["x"]), ("notes", 3), ("ap_clause", "")])
def test_wrong_type_for_optional_text_keys_is_refused(tmp_path, key, value):
    data = base()
    data[key] = value
    path = write(tmp_path, data)
    _assert_names(refused(tmp_path), path, key)


@pytest.mark.parametrize("hours", [73, 8760])
def test_an_immediate_target_may_not_exceed_the_controllers_72_hours(tmp_path, hours):
    data = base()
    data["obligations"][0].update(mode="immediate", hours=hours)
    path = write(tmp_path, data)
    error = refused(tmp_path)
    _assert_names(error, path, "obligations[0].hours")
    assert "may not exceed the controller's own 72 hours" in str(error)
    data["obligations"][0].update(hours=72)
    write(tmp_path, data)
    assert load_profiles(tmp_path)["sample"].rule("controller_notice").hours == 72


def test_an_immediate_target_override_beyond_72_hours_stops_start_up():
    with pytest.raises(ProfileError, match=r"PROFILE_TARGET_HOURS.*72 hours"):
        load_profiles(PROFILE_DIR, target_hours={"doctolib": 96})
