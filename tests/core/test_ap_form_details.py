"""The AP form's details refuse what is not one of their choices, whatever its type: a list or an object inside
subject_groups is refused with the detail's error, never hashed into a 500 (found by schemathesis)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from incidents.core.ap_form import DetailError, clean_details

NOW = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize("value", [[{"a": 1}], [["patients"]], [1], ["patients", {"b": []}]])
def test_a_subject_group_that_is_no_choice_is_refused(value):
    with pytest.raises(DetailError) as refused:
        clean_details({"subject_groups": value}, {}, NOW)
    assert refused.value.args[0] == "subject_groups" or "subject_groups" in str(refused.value)


def test_subject_groups_keep_their_order_without_duplicates():
    cleaned = clean_details({"subject_groups": ["patients", "employees", "patients"]}, {}, NOW)
    assert cleaned["subject_groups"] == ["patients", "employees"]
