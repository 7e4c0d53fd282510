"""CSV import of contracts: every bad row is reported with its line number, and nothing is
imported when any row is bad."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from sqlalchemy import select

from ..core.text import line_of_error
from ..errors import N_, DomainError, fill, translate
from ..extensions import db
from ..filters import shown
from ..profiles import all_profiles
from ..validation import email_address, kvk_number, refuse_unstorable
from .models import Contract, Controller
from .service import country_code, main_establishment

COLUMNS = ("controller", "contact_email", "kvk", "profile", "reference")
# A contract's own breach contact (BOZ Bijlage 3): optional columns, empty for the controller's contact.
OPTIONAL_COLUMNS = ("breach_contact_name", "breach_contact_email", "country", "main_establishment", "is_processor")
# is_processor: the customer is itself a processor (ja/nee, yes/no, true/false, 1/0; empty: no). It is set on the
# controllers the import creates, and marks an existing one that a row says "ja" of (an import never unmarks one).
YES = ("ja", "j", "yes", "y", "true", "1", "waar")
NO = ("nee", "n", "no", "false", "0", "onwaar", "")
# Accept the Dutch column names people type in a spreadsheet as well.
ALIASES = {
    "verwerkingsverantwoordelijke": "controller",
    "controller_name": "controller",
    "naam": "controller",
    "e-mail": "contact_email",
    "email": "contact_email",
    "contact e-mail": "contact_email",
    "profiel": "profile",
    "profile_key": "profile",
    "referentie": "reference",
    "kenmerk": "reference",
    "meldcontact": "breach_contact_name",
    "meldcontact naam": "breach_contact_name",
    "meldcontact e-mail": "breach_contact_email",
    # A new controller's country and main establishment (its competent authority): optional, empty for NL.
    "land": "country",
    "hoofdvestiging": "main_establishment",
    "verwerker": "is_processor",
    "is verwerker": "is_processor",
    "processor": "is_processor",
}
MAX_ROWS = 20000


@dataclass
class RowError:
    line: int
    column: str | None
    msgid: str  # English, with %(name)s placeholders filled from params
    params: dict = field(default_factory=dict)

    @property
    def message(self) -> str:
        return fill(self.msgid, self.params)

    def translated(self) -> str:
        return translate(self.msgid, self.params)


def _refused(line: int, column: str, exc: DomainError) -> RowError:
    return RowError(line, column, exc.msgid, exc.params)


@dataclass
class ImportResult:
    contracts: int = 0
    controllers_created: int = 0
    errors: list[RowError] = field(default_factory=list)


class ImportRefused(DomainError):
    status = 422
    default_code = "import_refused"

    def __init__(self, errors: list[RowError]):
        super().__init__(N_("%(n)d problem(s) found; nothing was imported"), "file", params={"n": len(errors)})
        self.errors = errors


def _reader(text: str) -> csv.DictReader:
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    return csv.DictReader(io.StringIO(text), delimiter=delimiter)


def _decode(raw: bytes | str) -> str:
    if isinstance(raw, bytes):
        try:
            return raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ImportRefused([RowError(line_of_error(exc), None, N_("the file is not UTF-8 text"))]) from None
    return raw.lstrip("\ufeff")


def _unreadable(line: int, exc: csv.Error) -> RowError:
    """What the csv module could not read, said without its English words: a value over its field limit, or a line
    it cannot split (a line break alone inside a value that is not quoted)."""
    if "field larger than field limit" in str(exc):
        return RowError(line, None, N_("a value is longer than %(max)d characters"), {"max": csv.field_size_limit()})
    return RowError(line, None, N_("this line cannot be read as CSV (a line break inside a value without quotes?)"))


def _unstorable(line: int, values: dict[str, str]) -> list[RowError]:
    """Values holding a NUL byte or an unpaired surrogate, which no database stores."""
    errors = []
    for column, value in values.items():
        try:
            refuse_unstorable(value, column)
        except DomainError as exc:
            errors.append(_refused(line, column, exc))
    return errors


def _check_row(
    line: int,
    values: dict[str, str],
    profiles: Mapping[str, object],
    existing_refs: set[str],
    seen_refs: dict[str, int],
) -> tuple[list[RowError], str | None, str | None]:
    """A row's problems, with its cleaned e-mail address and KvK number (None where refused)."""
    row_errors: list[RowError] = []
    name = values["controller"]
    if not name:
        row_errors.append(RowError(line, "controller", N_("controller name is empty")))
    elif len(name) > 200:
        row_errors.append(RowError(line, "controller", N_("controller name is longer than 200 characters")))
    try:
        email = email_address(values["contact_email"])
    except DomainError as exc:
        row_errors.append(_refused(line, "contact_email", exc))
        email = None
    try:
        kvk = kvk_number(values["kvk"])
    except DomainError as exc:
        row_errors.append(_refused(line, "kvk", exc))
        kvk = None
    if values["profile"] not in profiles:
        known = ", ".join(sorted(profiles))
        row_errors.append(
            RowError(
                line,
                "profile",
                N_("unknown profile '%(key)s' (known: %(known)s)"),
                {"key": shown(values["profile"]), "known": known},
            )
        )
    reference = values["reference"]
    if not reference:
        row_errors.append(RowError(line, "reference", N_("reference is empty")))
    elif len(reference) > 64:
        row_errors.append(RowError(line, "reference", N_("reference is longer than 64 characters")))
    elif reference in existing_refs:
        row_errors.append(
            RowError(line, "reference", N_("contract '%(reference)s' already exists"), {"reference": reference})
        )
    elif reference in seen_refs:
        row_errors.append(
            RowError(
                line,
                "reference",
                N_("reference '%(reference)s' also on line %(line)d"),
                {"reference": reference, "line": seen_refs[reference]},
            )
        )
    return row_errors, email, kvk


def _breach_contact(line: int, values: dict[str, str]) -> tuple[list[RowError], tuple[str, str]]:
    name, raw = values["breach_contact_name"], values["breach_contact_email"]
    if len(name) > 200:
        too_long = N_("breach contact name is longer than 200 characters")
        return [RowError(line, "breach_contact_name", too_long)], ("", "")
    if not raw:
        if name:
            return [RowError(line, "breach_contact_email", N_("a breach contact needs an e-mail address"))], ("", "")
        return [], ("", "")
    try:
        return [], (name, email_address(raw, "breach_contact_email"))
    except DomainError as exc:
        return [_refused(line, "breach_contact_email", exc)], ("", "")


def _establishment(line: int, values: dict[str, str]) -> tuple[list[RowError], dict[str, str]]:
    """A new controller's country and main establishment, checked as the form and the API check them."""
    errors, found = [], {}
    for column, check in (("country", country_code), ("main_establishment", main_establishment)):
        try:
            found[column] = check(values[column], column)
        except DomainError as exc:
            errors.append(_refused(line, column, exc))
    return errors, found


def _processor_flag(line: int, value: str) -> tuple[list[RowError], bool]:
    folded = value.strip().lower()
    if folded in YES:
        return [], True
    if folded in NO:
        return [], False
    return [RowError(line, "is_processor", N_("is_processor must be ja or nee (yes or no)"))], False


def _optional_values(line: int, values: dict[str, str]) -> tuple[list[RowError], tuple[str, str], bool]:
    """The optional columns: the contract's breach contact, and whether the controller is itself a processor."""
    contact_errors, contact = _breach_contact(line, values)
    flag_errors, is_processor = _processor_flag(line, values["is_processor"])
    return contact_errors + flag_errors, contact, is_processor


def _rows(reader: csv.DictReader, errors: list[RowError]) -> Iterator[tuple[int, dict]]:
    """The rows with their line numbers, up to one the csv module cannot read (added to `errors`): the lines after
    it cannot be told apart with any certainty."""
    try:
        for row in reader:
            yield reader.line_num, row
    except csv.Error as exc:  # the DictReader counts the lines it returned; its reader, the one it failed on
        errors.append(_unreadable(reader.reader.line_num, exc))


def import_contracts(raw: bytes | str) -> ImportResult:
    reader = _reader(_decode(raw))
    try:
        fieldnames = reader.fieldnames or []
    except csv.Error as exc:
        raise ImportRefused([_unreadable(1, exc)]) from None
    header = [ALIASES.get((h or "").strip().lower(), (h or "").strip().lower()) for h in fieldnames]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise ImportRefused(
            [
                RowError(
                    1,
                    None,
                    N_("missing column(s): %(missing)s; expected %(expected)s"),
                    {"missing": ", ".join(missing), "expected": ", ".join(COLUMNS)},
                )
            ]
        )
    reader.fieldnames = header

    profiles = all_profiles()
    existing_refs = set(db.session.scalars(select(Contract.reference)))
    known = {c.name.strip().lower(): c for c in db.session.scalars(select(Controller))}
    errors: list[RowError] = []
    planned_controllers: dict[str, dict] = {}
    planned_contracts: list[tuple[str, str, str, tuple[str, str], bool]] = []
    seen_refs: dict[str, int] = {}

    for line, row in _rows(reader, errors):
        if len(planned_contracts) + len(errors) >= MAX_ROWS:
            errors.append(RowError(line, None, N_("more than %(max)d rows; split the file"), {"max": MAX_ROWS}))
            break
        if None in row:
            errors.append(RowError(line, None, N_("more values than columns")))
            continue
        values = {k: (row.get(k) or "").strip() for k in COLUMNS + OPTIONAL_COLUMNS}
        if not any(values.values()):
            continue
        unstorable = _unstorable(line, values)
        if unstorable:
            errors.extend(unstorable)
            continue
        row_errors, email, kvk = _check_row(line, values, profiles, existing_refs, seen_refs)
        optional_errors, contact, is_processor = _optional_values(line, values)
        establishment_errors, establishment = _establishment(line, values)
        row_errors += optional_errors + establishment_errors
        if row_errors:
            errors.extend(row_errors)
            continue
        name, reference = values["controller"], values["reference"]
        seen_refs[reference] = line
        folded = name.lower()
        if folded not in known and folded not in planned_controllers:
            planned_controllers[folded] = {"name": name, "contact_email": email, "kvk": kvk, **establishment}
        planned_contracts.append((folded, values["profile"], reference, contact, is_processor))

    if errors:
        raise ImportRefused(errors)
    if not planned_contracts:
        raise ImportRefused([RowError(2, None, N_("the file holds no contracts"))])

    result = ImportResult()
    for folded, values in planned_controllers.items():
        controller = Controller(**values)
        db.session.add(controller)
        known[folded] = controller
        result.controllers_created += 1
    db.session.flush()
    for folded, profile, reference, (contact_name, contact_email), is_processor in planned_contracts:
        known[folded].is_processor = known[folded].is_processor or is_processor  # an import never unmarks one
        db.session.add(
            Contract(
                controller_id=known[folded].id,
                profile_key=profile,
                reference=reference,
                breach_contact_name=contact_name,
                breach_contact_email=contact_email,
            )
        )
        result.contracts += 1
    db.session.flush()
    return result
