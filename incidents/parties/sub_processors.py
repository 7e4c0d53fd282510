"""The processor's own sub-processors (subverwerkers): the list a breach report can come from. They flush; the caller
commits once."""

from __future__ import annotations

from sqlalchemy import select

from ..errors import N_, ValidationFailed
from ..extensions import db
from ..lookup import find
from ..validation import clean_text, required_text
from .models import SubProcessor


def _values(data: dict) -> dict:
    return {
        "name": required_text(data.get("name"), "name", 200, "name"),
        "services": clean_text(data.get("services"), "services", 2000),
        "contact": clean_text(data.get("contact"), "contact", 2000),
    }


def create_sub_processor(data: dict) -> SubProcessor:
    sub_processor = SubProcessor(**_values(data))
    db.session.add(sub_processor)
    db.session.flush()
    return sub_processor


def update_sub_processor(sub_processor: SubProcessor, data: dict) -> SubProcessor:
    for name, value in _values(data).items():
        setattr(sub_processor, name, value)
    db.session.flush()
    return sub_processor


def all_sub_processors() -> list[SubProcessor]:
    return list(db.session.scalars(select(SubProcessor).order_by(SubProcessor.name, SubProcessor.id)))


def get_sub_processor(value: object, field: str = "sub_processor_id") -> SubProcessor:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationFailed(N_("sub_processor_id must be an integer id"), field, "invalid_type")
    found = find(SubProcessor, value)
    if found is None:
        raise ValidationFailed(
            N_("there is no sub-processor with id %(id)s"), field, "unknown_sub_processor", {"id": value}
        )
    return found
