"""The contract picker of the intake form and of "add contracts": what a posted form chose, what that comes to, and
what the picker shows. Read-only.

A form chooses contracts in four ways, each visible on the page: contracts picked one by one (`contract_ids`, one
hidden input per chip), "all N matching" a search (`match`, the search as a query string, resolved by the server
when it saves), pasted references (`references`) and, without JavaScript, every contract of a profile (`profiles`).
The confirmation step shows the union with its counts per profile and per controller, and carries a digest of the
exact set: saving refuses when the set has changed since (a contract created or deleted in between)."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from ..errors import ValidationFailed
from ..parties.search import (
    BadSearch,
    ContractFilter,
    ContractHit,
    SearchPage,
    controller_name,
    count_matching,
    hits_by_id,
    hits_by_reference,
    matching,
    parse_filter,
    parse_page,
    profile_counts,
    search,
)
from ..profiles import all_profiles
from ..validation import parse_id

MAX_MATCHES = 20  # "all matching" filters in one selection
MAX_CHOSEN = 10_000  # contracts picked one by one
SHOWN_CONTROLLERS = 200  # rows of the per-controller count on the confirmation page
STEP = re.compile(r"^(search|review|save|back|add-matching|page-\d+|add-\d+|remove-\d+|unmatch-\d+)$")


@dataclass
class Match:
    filter: ContractFilter
    count: int
    controller_name: str | None = None


@dataclass
class Selection:
    ids: list[int] = field(default_factory=list)
    matches: list[ContractFilter] = field(default_factory=list)
    references: str = ""
    profiles: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.ids or self.matches or self.references.strip() or self.profiles)


@dataclass
class Resolved:
    """The contracts a selection comes to, each once, by controller name and reference."""

    contracts: list[ContractHit]
    unknown_references: list[str]

    @property
    def digest(self) -> str:
        return hashlib.sha256(",".join(str(i) for i in sorted(h.id for h in self.contracts)).encode()).hexdigest()[:32]

    def per_profile(self) -> list[tuple[str, str, int]]:
        profiles = all_profiles()
        counts = Counter(h.profile_key for h in self.contracts)
        return [(key, profiles[key].title if key in profiles else key, n) for key, n in sorted(counts.items())]

    def per_controller(self) -> list[tuple[int, str, int]]:
        counts: Counter[int] = Counter(h.controller_id for h in self.contracts)
        names = {h.controller_id: h.controller_name for h in self.contracts}
        return sorted(((cid, names[cid], n) for cid, n in counts.items()), key=lambda r: (r[1].lower(), r[0]))


def step_of(form: MultiDict) -> str:
    """The button pressed ("review" when none is named: Enter in a field without JavaScript presses the first
    button, which is the search)."""
    step = form.get("step", "review")
    return step if STEP.match(step) else "review"


def selection_from(form: MultiDict) -> Selection:
    ids = [i for i in (parse_id(v) for v in form.getlist("contract_ids")) if i is not None]
    if len(ids) > MAX_CHOSEN:
        raise ValidationFailed(_("At most %(n)d contracts can be picked one by one.", n=MAX_CHOSEN), "contract_ids")
    try:
        matches = [ContractFilter.decode(text) for text in form.getlist("match") if text.strip()]
    except BadSearch:
        raise ValidationFailed(
            _("A chosen search can no longer be used; remove it and search again."), "match"
        ) from None
    matches = [m for m in dict.fromkeys(matches) if not m.empty]
    if len(matches) > MAX_MATCHES:
        raise ValidationFailed(_("At most %(n)d searches can be added whole.", n=MAX_MATCHES), "match")
    profiles = [p for p in form.getlist("profiles") if p in all_profiles()]
    return Selection(list(dict.fromkeys(ids)), matches, form.get("references", ""), list(dict.fromkeys(profiles)))


def changed_by_step(selection: Selection, step: str, wanted: ContractFilter) -> Selection:
    """A button of the picker without JavaScript: add or remove one contract, add all matching, drop a search."""
    if step.startswith("add-") and step != "add-matching":
        cid = int(step[4:])
        if cid not in selection.ids:
            selection.ids.append(cid)
    elif step.startswith("remove-"):
        selection.ids = [i for i in selection.ids if i != int(step[7:])]
    elif step == "add-matching" and not wanted.empty and wanted not in selection.matches:
        selection.matches.append(wanted)
    elif step.startswith("unmatch-"):
        index = int(step[8:])
        selection.matches = [m for n, m in enumerate(selection.matches) if n != index]
    return selection


def resolve(selection: Selection) -> Resolved:
    """The union of everything chosen, each contract once; references that name no contract are listed."""
    found: dict[int, ContractHit] = {}
    found.update(hits_by_id(selection.ids))
    for wanted in selection.matches:
        found.update((h.id, h) for h in matching(wanted))
    for key in selection.profiles:
        found.update((h.id, h) for h in matching(ContractFilter(profile=key)))
    references = [r for r in re.split(r"[\s,;]+", selection.references or "") if r]
    by_reference = hits_by_reference(references)
    found.update((h.id, h) for h in by_reference.values())
    unknown = [r for r in dict.fromkeys(references) if r not in by_reference]
    contracts = sorted(found.values(), key=lambda h: (h.controller_name.lower(), h.reference, h.id))
    return Resolved(contracts, unknown)


@dataclass
class PickerView:
    """What the picker partial shows: the search and its results, the chosen contracts and searches."""

    wanted: ContractFilter
    results: SearchPage
    chosen: list[ContractHit]
    matches: list[Match]
    profiles: list[tuple[str, str, int]]  # key, title, number of contracts
    total_contracts: int
    error: str | None = None

    @property
    def chosen_ids(self) -> set[int]:
        return {h.id for h in self.chosen}


def picker_view(selection: Selection, form: MultiDict | None = None) -> PickerView:
    """The picker for a selection and the search in `form` (none: the first page of every contract)."""
    form = form if form is not None else MultiDict()
    error = None
    try:
        wanted = parse_filter({k: form.get(k, "") for k in ("q", "profile", "controller_id")})
        step = step_of(form)
        page = parse_page(step[5:]) if step.startswith("page-") else 1
    except BadSearch:
        wanted, page, error = ContractFilter(), 1, _("The search could not be used; it was cleared.")
    counts = profile_counts()
    profiles = all_profiles()
    by_id = hits_by_id(selection.ids)
    return PickerView(
        wanted=wanted,
        results=search(wanted, page),
        chosen=[by_id[i] for i in selection.ids if i in by_id],
        matches=[Match(m, count_matching(m), _name(m.controller_id)) for m in selection.matches],
        profiles=[(key, p.title, counts.get(key, 0)) for key, p in profiles.items()],
        total_contracts=sum(counts.values()),
        error=error,
    )


def _name(controller_id: int | None) -> str | None:
    return controller_name(controller_id) if controller_id else None
