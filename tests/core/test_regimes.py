"""The statutory regimes as data (config/regimes/*.toml): the shipped files load, a malformed one is refused with its
path and key, and the AVG art. 33 regime says what the clock engine counts."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from incidents.core.profiles import AP_CLAUSE, AP_HOURS, AP_WORDING
from incidents.core.regimes import RegimeError, load_regimes

SHIPPED = Path(__file__).resolve().parents[2] / "config" / "regimes"


def test_the_shipped_regimes_load_with_their_stages():
    regimes = load_regimes(SHIPPED)
    assert set(regimes) == {"nis2", "telecommunicatiewet", "avg-art33"}
    nis2 = regimes["nis2"]
    assert [(s.key, s.hours, s.months, s.start) for s in nis2.stages] == [
        ("early_warning", 24, None, "classified"),
        ("notification", 72, None, "classified"),
        ("intermediate_report", None, None, "request"),
        ("final_report", None, 1, "filed:notification"),
    ]
    assert nis2.paraphrase  # no authentic text is at hand: shown as the gist, never quoted
    assert nis2.recipient({"sector": "zorg"}).name == "Z-CERT"
    assert nis2.recipient({"sector": "energie"}).name.endswith("(NCSC)")
    assert nis2.binds({"nis2_entity": "important"}) and nis2.binds({"nis2_entity": "essential"})
    assert not nis2.binds({"nis2_entity": ""}) and not nis2.binds({})
    telecom = regimes["telecommunicatiewet"]
    assert [(s.key, s.hours) for s in telecom.stages] == [("notification", 24), ("supplement", 72)]
    assert not telecom.binds({"telecom_provider": "no"})


def test_the_avg_regime_is_what_the_clock_engine_counts():
    (stage,) = load_regimes(SHIPPED)["avg-art33"].stages
    assert (stage.hours, stage.clause, stage.wording) == (AP_HOURS, AP_CLAUSE, AP_WORDING)
    assert not load_regimes(SHIPPED)["avg-art33"].binds({"nis2_entity": "important"})  # the controller's, not ours


@pytest.mark.parametrize(
    ("old", "new", "key"),
    [
        ('start = "classified"\nhours = 24', 'start = "classified"\nhours = 24\nmonths = 1', "stages[0].hours"),
        ('start = "classified"\nhours = 24', 'start = "whenever"\nhours = 24', "stages[0].start"),
        ('start = "classified"\nhours = 24', 'start = "classified"\nhours = 0', "stages[0].hours"),
        ('start = "classified"\nhours = 24', 'start = "classified"\nhours = true', "stages[0].hours"),
        ('content = ["malicious", "cross_border"]', 'content = ["malicious", "gossip"]', "stages[0].content"),
        ('start = "filed:notification"', 'start = "filed:final_report"', "stages[3].start"),
        ('key = "notification"', 'key = "early_warning"', "stages[1].key"),
        ('values = ["essential", "important"]', "values = []", "binds.values"),
        ('scope = "organisation"', 'scope = "everyone"', "scope"),
        ("paraphrase = true", 'paraphrase = "yes"', "paraphrase"),
        ('name = "Z-CERT"', 'name = ""', "recipient.by_value.zorg.name"),
        ('working_days = "algemene-termijnenwet"', 'working_days = "our-own-list"', "stages[3].working_days"),
        ('question = "Is dit een significant incident?"\n', "", "classification.question"),
        ("months = 1", "months = 1\n[[stages]]", "stages[4].start"),
    ],
)
def test_a_malformed_regime_is_refused_with_its_path_and_key(tmp_path, old, new, key):
    target = tmp_path / "nis2.toml"
    text = (SHIPPED / "nis2.toml").read_text(encoding="utf-8")
    assert old in text
    target.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(RegimeError) as refused:
        load_regimes(tmp_path)
    assert refused.value.key == key
    assert refused.value.path == str(target)


def test_two_files_with_one_key_and_a_missing_folder_are_refused(tmp_path):
    shutil.copy(SHIPPED / "nis2.toml", tmp_path / "a.toml")
    shutil.copy(SHIPPED / "nis2.toml", tmp_path / "b.toml")
    with pytest.raises(RegimeError, match="also the key of"):
        load_regimes(tmp_path)
    with pytest.raises(RegimeError, match="does not exist"):
        load_regimes(tmp_path / "nowhere")


def test_a_regime_file_that_is_not_toml_is_refused(tmp_path):
    (tmp_path / "x.toml").write_text("key = \n", encoding="utf-8")
    with pytest.raises(RegimeError, match="not valid TOML"):
        load_regimes(tmp_path)
