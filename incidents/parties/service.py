"""Operations that change controllers and contracts. They flush; the caller commits once."""

from __future__ import annotations

from sqlalchemy import func, select

from ..authorities import all_authorities
from ..core.authorities import COUNTRY_CODES
from ..errors import N_, NotFound, ValidationFailed
from ..extensions import db
from ..lookup import find
from ..profiles import all_profiles
from ..validation import clean_text, email_address, kvk_number, language, required_text
from .models import Contract, Controller

MAX_REFERENCE = 64  # characters of a contract's reference (the column's length)


def get_controller(controller_id: object, field: str = "controller_id") -> Controller:
    if isinstance(controller_id, bool) or not isinstance(controller_id, int):
        raise ValidationFailed(N_("controller_id must be an integer id"), field, "invalid_type")
    controller = find(Controller, controller_id)
    if controller is None:
        raise ValidationFailed(
            N_("there is no controller with id %(id)s"), field, "unknown_controller", {"id": controller_id}
        )
    return controller


def _controller_values(data: dict) -> dict:
    return {
        "name": required_text(data.get("name"), "name", 200, "name"),
        "contact_email": email_address(data.get("contact_email")),
        "kvk": kvk_number(data.get("kvk")),
        "contact_name": clean_text(data.get("contact_name"), "contact_name", 200),
        "language": language(data.get("language")),
        "contact_function": clean_text(data.get("contact_function"), "contact_function", 200),
        "contact_phone": clean_text(data.get("contact_phone"), "contact_phone", 40),
        "address": clean_text(data.get("address"), "address", 300),
        "sector": clean_text(data.get("sector"), "sector", 200),
        "dpo_registration": clean_text(data.get("dpo_registration"), "dpo_registration", 40),
        "legal_basis": _legal_basis(data.get("legal_basis")),
        "joint_controllers": clean_text(data.get("joint_controllers"), "joint_controllers", 2000),
        "subjects_contact": clean_text(data.get("subjects_contact"), "subjects_contact", 2000),
        "country": country_code(data.get("country")),
        "main_establishment": main_establishment(data.get("main_establishment")),
        "is_processor": _flag(data.get("is_processor"), "is_processor"),
    }


def country_code(value: object, field: str = "country") -> str:
    """The controller's country: an ISO 3166-1 alpha-2 code, inside the EEA or not (empty: NL)."""
    code = clean_text(value, field, 10).upper() or "NL"
    if code not in COUNTRY_CODES:
        raise ValidationFailed(
            N_("'%(value)s' is not a country code (ISO 3166-1 alpha-2, two letters such as NL or BE)"),
            field,
            "invalid_country",
            {"value": code},
        )
    return code


def main_establishment(value: object, field: str = "main_establishment") -> str:
    """The EU/EEA state of the controller's main establishment, one of the states in config/authorities.toml
    (empty: its country, or no cross-border processing)."""
    code = clean_text(value, field, 10).upper()
    if code and all_authorities().get(code) is None:
        raise ValidationFailed(
            N_("'%(value)s' is not an EU/EEA state with a supervisory authority (known: %(known)s)"),
            field,
            "invalid_main_establishment",
            {"value": code, "known": ", ".join(all_authorities().by_country)},
        )
    return code


def _flag(value: object, field: str) -> bool:
    """A yes/no value: true or false (absent or null: false)."""
    if value is None:
        return False
    if not isinstance(value, bool):
        raise ValidationFailed(N_("%(field)s must be true or false"), field, "invalid_type", {"field": field})
    return value


# The law a controller notifies the AP under (the AP form's question 1.2).
LEGAL_BASES = ("AVG", "Wpg", "Tw")


def _legal_basis(value: object) -> str:
    text = clean_text(value, "legal_basis", 10) or "AVG"
    if text not in LEGAL_BASES:
        raise ValidationFailed(
            N_("legal_basis must be one of %(choices)s"),
            "legal_basis",
            "invalid_choice",
            {"choices": ", ".join(LEGAL_BASES)},
        )
    return text


def create_controller(data: dict) -> Controller:
    controller = Controller(**_controller_values(data))
    db.session.add(controller)
    db.session.flush()
    return controller


def update_controller(controller: Controller, data: dict) -> Controller:
    for name, value in _controller_values(data).items():
        setattr(controller, name, value)
    db.session.flush()
    return controller


def _profile_key(value: object) -> str:
    key = required_text(value, "profile", 64, "profile")
    if key not in all_profiles():
        known = ", ".join(sorted(all_profiles()))
        raise ValidationFailed(
            N_("unknown clause profile '%(key)s' (known: %(known)s)"),
            "profile",
            "unknown_profile",
            {"key": key, "known": known},
        )
    return key


def _reference(value: object, exclude_id: int | None = None) -> str:
    reference = required_text(value, "reference", MAX_REFERENCE, "reference")
    clash = db.session.scalar(select(Contract.id).where(Contract.reference == reference))
    if clash is not None and clash != exclude_id:
        raise ValidationFailed(
            N_("a contract with reference '%(reference)s' already exists"),
            "reference",
            "duplicate",
            {"reference": reference},
        )
    return reference


def create_contract(data: dict) -> Contract:
    controller = get_controller(data.get("controller_id"))
    contract = Contract(
        controller_id=controller.id,
        profile_key=_profile_key(data.get("profile")),
        reference=_reference(data.get("reference")),
        services=clean_text(data.get("services"), "services", 2000),
        data_categories=clean_text(data.get("data_categories"), "data_categories", 2000),
        **_breach_contact(data),
    )
    db.session.add(contract)
    db.session.flush()
    return contract


def update_contract(contract: Contract, data: dict) -> Contract:
    contract.controller_id = get_controller(data.get("controller_id")).id
    contract.profile_key = _profile_key(data.get("profile"))
    contract.reference = _reference(data.get("reference"), exclude_id=contract.id)
    contract.services = clean_text(data.get("services"), "services", 2000)
    contract.data_categories = clean_text(data.get("data_categories"), "data_categories", 2000)
    for name, value in _breach_contact(data).items():
        setattr(contract, name, value)
    db.session.flush()
    return contract


def _breach_contact(data: dict) -> dict[str, str]:
    """The contract's own breach contact (optional): a name needs an address to send to."""
    name = clean_text(data.get("breach_contact_name"), "breach_contact_name", 200)
    raw = clean_text(data.get("breach_contact_email"), "breach_contact_email", 254)
    email = email_address(raw, "breach_contact_email") if raw else ""
    if name and not email:
        raise ValidationFailed(N_("a breach contact needs an e-mail address"), "breach_contact_email", "required")
    return {"breach_contact_name": name, "breach_contact_email": email}


def find_controller_by_name(name: str) -> Controller | None:
    return db.session.scalar(select(Controller).where(func.lower(Controller.name) == name.strip().lower()))


def get_contract(contract_id: int) -> Contract:
    contract = db.session.get(Contract, contract_id)
    if contract is None:
        raise NotFound(N_("there is no contract with id %(id)s"), params={"id": contract_id})
    return contract
