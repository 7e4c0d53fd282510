"""The per-controller scope, pure: validation, the incident totals and the CSV reading."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from incidents.core.scope import ScopeError, clean_scope, parse_scope_csv, totals


@st.composite
def controllers(draw):
    """Per controller its true number of data subjects and what is recorded of it: exact, a range around it,
    only a lower or upper bound, or nothing."""
    true = draw(st.integers(0, 10**6))
    kind = draw(st.sampled_from(["exact", "range", "min", "max", "none"]))
    below, above = draw(st.integers(0, true)), draw(st.integers(true, true + 10**6))
    scope = {
        "exact": {"subjects_min": true, "subjects_max": true},
        "range": {"subjects_min": below, "subjects_max": above},
        "min": {"subjects_min": below},
        "max": {"subjects_max": above},
        "none": {},
    }[kind]
    return true, scope


@given(st.lists(controllers(), min_size=1, max_size=30))
def test_totals_never_claim_more_than_the_recorded_numbers_support(found):
    total = totals(scope for _true, scope in found)
    real = sum(true for true, _scope in found)
    assert total.get("subjects_min", 0) <= real
    if "subjects_max" in total:
        assert real <= total["subjects_max"]
        assert all("subjects_max" in scope for _true, scope in found)  # an unknown number has no upper bound


def test_totals_of_an_exact_number_and_an_unknown_one_are_a_lower_bound_only():
    assert totals([{"subjects_min": 100, "subjects_max": 100}, {}]) == {"subjects_min": 100}
    assert totals([{"subjects_min": 1, "subjects_max": 2}, {"subjects_min": 3, "subjects_max": 4}]) == {
        "subjects_min": 4,
        "subjects_max": 6,
    }
    assert totals([{"data_categories": ["name"]}, {"data_categories": ["bsn", "name"]}]) == {
        "data_categories": ["name", "bsn"]
    }
    assert "note" not in totals([{"note": "A"}, {"note": "B"}])


@pytest.mark.parametrize(
    "cell, value", [("1200", 1200), ("1.200", 1200), ("12.000.000", 12_000_000), ("1 200", 1200), ("0", 0)]
)
def test_csv_whole_numbers_with_dutch_thousands_separators(cell, value):
    lines, problems = parse_scope_csv(f"controller_id,subjects_min\n1,{cell}\n")
    assert not problems and lines[0].values == {"subjects_min": value}


@pytest.mark.parametrize("cell", ["1.5", "12.00", "1.2000", "-3", "x", "1e3", "١٢"])
def test_csv_numbers_that_are_not_whole_are_refused_never_read_otherwise(cell):
    lines, problems = parse_scope_csv(f'controller_id,subjects_min\n1,"{cell}"\n')
    assert lines == [] and [(p.line, p.field) for p in problems] == [(2, "subjects_min")]


def test_clean_scope_normalises_and_refuses():
    assert clean_scope({"countries": [" be", "NL", "BE"]}, {}) == {"countries": ["BE", "NL"]}
    assert clean_scope({"note": None}, {"note": "x", "subjects_min": 1}) == {"subjects_min": 1}
    with pytest.raises(ScopeError) as refused:
        clean_scope({"subjects_max": 1}, {"subjects_min": 2})
    assert (refused.value.field, refused.value.code) == ("subjects_max", "below_minimum")
