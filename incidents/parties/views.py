from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from ..extensions import db
from ..filters import InvalidFilters
from ..forms_common import choices
from ..input_guard import checks_own_text
from ..listing import ListQuery, Page, error_messages, nothing
from ..lookup import get_or_404
from ..profiles import all_profiles
from ..transaction import refuse
from ..web import post_form
from . import lists, service, sub_processors
from .csv_import import COLUMNS, ImportRefused, import_contracts
from .forms import ContractForm, ControllerForm, ImportForm, SubProcessorForm
from .models import Contract, Controller, SubProcessor

bp = Blueprint("parties", __name__)
MAX_UPLOAD = 2 * 1024 * 1024


def _save(form, action, success: str, redirect_to: str, again):
    """Save through the parties service, then back to the list; refused, the page again with the form's errors."""

    def act(form):
        action(form)
        return success

    return post_form(
        form, act, done=lambda: redirect(url_for(redirect_to)), again=lambda form: again(form, 422), summary=False
    )


@bp.route("/controllers", methods=["GET", "POST"])
def controllers():
    form = ControllerForm()
    if request.method == "POST":
        return _save(
            form,
            lambda form: service.create_controller(form.data),
            _("Controller saved."),
            "parties.controllers",
            _controllers_page,
        )
    return _controllers_page(form)


def _list(parse, fetch) -> tuple[ListQuery | None, Page, list[str]]:
    """The list the query string asks for; refused, no list and why."""
    try:
        listing = parse(request.args)
    except InvalidFilters as exc:
        return None, nothing(lists.PAGE_SIZE), error_messages(exc)
    return listing, fetch(listing), []


def _controllers_page(form, status: int = 200):
    listing, page, errors = _list(lists.parse_controllers, lists.controllers_page)
    return render_template(
        "parties/controllers.html", form=form, listing=listing, page=page, errors=errors, profiles=all_profiles()
    ), (400 if errors and status == 200 else status)


@bp.route("/controllers/<int:controller_id>", methods=["GET", "POST"])
def edit_controller(controller_id: int):
    controller = get_or_404(Controller, controller_id)
    form = ControllerForm(obj=controller)

    def page(form, status: int = 200):
        return render_template("parties/controller_edit.html", form=form, controller=controller), status

    if request.method == "POST":
        return _save(
            form,
            lambda form: service.update_controller(controller, form.data),
            _("Controller saved."),
            "parties.controllers",
            page,
        )
    return page(form)


def _contract_form(**kw) -> ContractForm:
    form = ContractForm(**kw)
    everyone = db.session.execute(select(Controller.id, Controller.name).order_by(Controller.name, Controller.id))
    form.controller_id.choices = choices((i, name) for i, name in everyone)
    form.profile.choices = choices((k, f"{k} — {p.title}") for k, p in all_profiles().items())
    return form


@bp.route("/contracts", methods=["GET", "POST"])
def contracts():
    form = _contract_form()
    if request.method == "POST":
        return _save(
            form,
            lambda form: service.create_contract(form.data),
            _("Contract saved."),
            "parties.contracts",
            _contracts_page,
        )
    return _contracts_page(form)


def _contracts_page(form, status: int = 200):
    listing, page, errors = _list(lists.parse_contracts, lists.contracts_page)
    controller_id = listing.filters.get("controller_id") if listing else None
    return render_template(
        "parties/contracts.html",
        form=form,
        listing=listing,
        page=page,
        errors=errors,
        profiles=all_profiles(),
        controller_name=lists.controller_name(int(controller_id)) if controller_id else None,
        import_form=ImportForm(formdata=None),
    ), (400 if errors and status == 200 else status)


@bp.route("/contracts/<int:contract_id>", methods=["GET", "POST"])
def edit_contract(contract_id: int):
    contract = get_or_404(Contract, contract_id)
    form = _contract_form(obj=contract, data={"profile": contract.profile_key} if request.method == "GET" else None)

    def page(form, status: int = 200):
        return render_template("parties/contract_edit.html", form=form, contract=contract), status

    if request.method == "POST":
        return _save(
            form,
            lambda form: service.update_contract(contract, form.data),
            _("Contract saved."),
            "parties.contracts",
            page,
        )
    return page(form)


@bp.route("/contracts/import", methods=["GET", "POST"])
@checks_own_text("text")  # a pasted CSV: every bad value is reported with its line
def import_csv():
    form = ImportForm()
    errors = []
    if form.validate_on_submit():
        upload = form.file.data
        raw: bytes | str | None = None
        if upload and upload.filename:
            name = upload.filename.lower()
            if not name.endswith((".csv", ".txt")):
                form.file.errors = [_("Upload a .csv file.")]
            else:
                raw = upload.read(MAX_UPLOAD + 1)
                if len(raw) > MAX_UPLOAD:
                    form.file.errors = [_("The file is larger than 2 MB; split it.")]
                    raw = None
        elif form.text.data and form.text.data.strip():
            raw = form.text.data
        else:
            form.file.errors = [_("Choose a file or paste the CSV.")]
        if raw is not None:
            try:
                result = import_contracts(raw)
            except ImportRefused as exc:
                refuse()
                errors = exc.errors
            else:
                flash(
                    ngettext("%(num)d contract imported", "%(num)d contracts imported", result.contracts)
                    + ", "
                    + ngettext("%(num)d new controller.", "%(num)d new controllers.", result.controllers_created),
                    "success",
                )
                return redirect(url_for("parties.contracts"))
    status = 422 if request.method == "POST" else 200
    return render_template(
        "parties/import.html", form=form, errors=errors, columns=COLUMNS, profiles=all_profiles()
    ), status


@bp.route("/sub-processors", methods=["GET", "POST"])
def sub_processor_list():
    """Our own sub-processors (BOZ Bijlage 1: "Subverwerkers"): who can report a breach to us."""
    form = SubProcessorForm()

    def page(form, status: int = 200):
        return render_template(
            "parties/sub_processors.html", form=form, rows=sub_processors.all_sub_processors(), editing=None
        ), status

    if request.method == "POST":
        return _save(
            form,
            lambda form: sub_processors.create_sub_processor(form.data),
            _("Sub-processor saved."),
            "parties.sub_processor_list",
            page,
        )
    return page(form)


@bp.route("/sub-processors/<int:sub_processor_id>", methods=["GET", "POST"])
def edit_sub_processor(sub_processor_id: int):
    found = get_or_404(SubProcessor, sub_processor_id)
    form = SubProcessorForm(obj=found)

    def page(form, status: int = 200):
        return render_template(
            "parties/sub_processors.html", form=form, rows=sub_processors.all_sub_processors(), editing=found
        ), status

    if request.method == "POST":
        return _save(
            form,
            lambda form: sub_processors.update_sub_processor(found, form.data),
            _("Sub-processor saved."),
            "parties.sub_processor_list",
            page,
        )
    return page(form)
