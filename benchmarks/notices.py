"""Notice rendering benchmark: 1,000 notices (by default) rendered on one core, against a bare reportlab floor.

Every notice is a NoticeContent built the way incidents/notices/content.py builds one: three affected
contracts (boz-72h, citodent, addendum-gegevensbescherming, with the clause wording of the real profiles in
config/profiles), all nine fields filled with a few sentences each (some with ë, ĳ, € and a literal <b>),
a description, the controller's AP clock. The notices differ (controller, reference, field text), so
nothing can be cached between them.

  full     incidents.notices.render.render(content): the PDF (platypus, embedded DejaVu, tables, the numbered
           canvas) plus the plain-text and HTML e-mail bodies: what the service layer calls per notice
  pdf      incidents.notices.render.render_pdf(content) alone
  bare     a SimpleDocTemplate with the same number of Paragraphs holding the same characters (the notice's
           title, headings, labels and values, escaped the same way), in the built-in Helvetica, no tables, no
           custom canvas, no font embedding: the floor the notice is compared with
  service  (optional, --service N) incidents.notices.service.issue_notices on a fresh migrated SQLite file:
           content from the database, render, Document + OutboxMessage rows, the e-mail bodies, commit

The process is pinned to one CPU (os.sched_setaffinity) where the platform allows it. Run from the project root:

    /tmp/venv/bin/python benchmarks/notices.py [--count N] [--runs N] [--service N] [--profile]

It prints figures; nothing about time is asserted.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import re
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # the checkout this script lives in, before any installed copy

from reportlab.lib.pagesizes import A4  # noqa: E402
from reportlab.lib.styles import ParagraphStyle  # noqa: E402
from reportlab.lib.units import mm  # noqa: E402
from reportlab.platypus import Paragraph, SimpleDocTemplate  # noqa: E402

from incidents.core.fields import FIELD_KEYS, label  # noqa: E402
from incidents.core.instants import format_local  # noqa: E402
from incidents.core.profiles import load_profiles  # noqa: E402
from incidents.notices.render import (  # noqa: E402
    APClock,
    ContractClause,
    FieldValue,
    NoticeContent,
    render,
    render_pdf,
    sections,
)
from incidents.notices.texts import words  # noqa: E402
from incidents.pdf import para_text  # noqa: E402

TARGET_PER_S = 50.0
CONTRACT_PROFILES = ("boz-72h", "citodent", "addendum-gegevensbescherming")
PROCESSOR_NAME, PROCESSOR_CONTACT = "Voorbeeld Verwerker B.V.", "privacy@verwerker.example"  # config/defaults.py

# A few sentences per field, as a handler would write them; {n} makes every notice's text its own.
FIELD_TEXT = {
    "nature": "Ongeautoriseerde toegang tot het beheeraccount van de röntgenviewer (melding {n}). Een aanvaller "
    "heeft via een phishingmail de inloggegevens van een medewerker bemachtigd en daarmee op 27 maart "
    "tussen 14:00 en 16:30 ingelogd. De toegang gaf leesrechten op de beeldarchieven van drie praktijken.",
    "cause": "Phishing: een mail die leek te komen van de leverancier van de <b>scanner</b>-software, met een link "
    "naar een nagemaakte inlogpagina. Tweestapsverificatie stond voor dit account (nog) niet aan, omdat "
    "het een service-account was. Het ĳkingsproces van de filters liet de mail door.",
    "affected_data": "Naam, adres, geboortedatum, BSN, röntgenfoto's en behandelnotities van patiënten; van een "
    "deel ook verzekeringsgegevens. Er zijn geen betaalgegevens of wachtwoorden van patiënten "
    "betrokken. De beelden bevatten de naam en geboortedatum in de metadata.",
    "data_subjects": "Patiënten van de drie praktijken, onder wie minderjarigen; naar schatting 1.150 personen. "
    "Medewerkers van de praktijken zijn alleen betrokken voor zover hun naam in een "
    "behandelnotitie staat. Noël en Chloë uit het team zijn de contactpersonen.",
    "records": "Ongeveer 1.150 patiëntdossiers en 4.800 beelden (schatting op basis van de auditlog van melding "
    "{n}). Het precieze aantal volgt na het forensisch onderzoek, uiterlijk binnen een week.",
    "consequences": "Mogelijke inzage door onbevoegden in gezondheidsgegevens; risico op identiteitsfraude door "
    "het BSN en op chantage. Geen aanwijzingen dat gegevens zijn gewijzigd of verwijderd. De "
    "geschatte herstelkosten bedragen € 12.500, exclusief het forensisch onderzoek.",
    "measures": "Het account is geblokkeerd, alle wachtwoorden zijn gereset en tweestapsverificatie is voor alle "
    "accounts verplicht gesteld. De sessies zijn ingetrokken, de IP-adressen geblokkeerd en een "
    "forensisch bureau is ingeschakeld. We monitoren de logs dagelijks en rapporteren per week.",
    "informed_parties": "De functionaris gegevensbescherming van de verwerker, de betrokken praktijken (via deze "
    "melding) en de hostingpartij. Nog niet: de politie (aangifte volgt) en de betrokkenen "
    "zelf; dat besluit ligt bij de verwerkingsverantwoordelijke.",
    "contact_point": "Femke de Vries-Ĳsselstein, functionaris gegevensbescherming, fg@verwerker.example, "
    "+31 20 123 45 67 (werkdagen 8:00–18:00, buiten kantoortijd de meldlijn +31 20 765 43 21).",
}
DESCRIPTION = (
    "Op 27 maart meldde een medewerker van praktijk {n} een verdachte inlog. Uit de auditlog bleek dat "
    "een onbekende partij met een geldig account beelden had bekeken. Dit document is de melding aan u "
    "als verwerkingsverantwoordelijke; u beslist over melding aan de AP en aan betrokkenen."
)


# --- content ---------------------------------------------------------------------------------------------


@cache
def profiles() -> dict:
    return load_profiles(ROOT / "config" / "profiles", {})


def clauses(n: int) -> list[ContractClause]:
    """The three affected contracts, with the wording of the controller_notice rule of each real profile."""
    result = []
    for i, key in enumerate(CONTRACT_PROFILES):
        profile = profiles()[key]
        rule = profile.rule("controller_notice")
        result.append(ContractClause(f"VO-{n:05d}-{i + 1}", profile.title, profile.source, rule.clause, rule.wording))
    return result


def notice(n: int, language: str = "nl") -> NoticeContent:
    """Notice number n, built like incidents/notices/content.build builds one from the database."""
    required = set().union(*(profiles()[key].required_fields for key in CONTRACT_PROFILES))
    fields = [FieldValue(key, label(key, language), FIELD_TEXT[key].format(n=n), key in required) for key in FIELD_KEYS]
    confirmed = datetime(2026, 3, 27, 15, 30, tzinfo=UTC) + timedelta(minutes=n)
    issued = confirmed + timedelta(hours=3)
    return NoticeContent(
        language=language,
        kind="notice",
        version="initial",
        sequence=1,
        processor_name=PROCESSOR_NAME,
        processor_contact=PROCESSOR_CONTACT,
        controller_name=f"Tandartspraktijk Ëlst & Ĳmuiden {n}",
        controller_kvk=f"{n:08d}",
        controller_contact=f"Noël de Bruijn {n}",
        controller_email=f"fg{n}@praktijk{n}.example",
        incident_reference=f"DL-2026-{n:04d}",
        incident_title=f"Phishing op het beheeraccount <b>{n}</b>",
        description=DESCRIPTION.format(n=n),
        aware_at=confirmed - timedelta(hours=1),
        confirmed_at=confirmed,
        contracts=clauses(n),
        fields=fields,
        contact_point=FIELD_TEXT["contact_point"],
        ap_clock=APClock("controller", issued, issued + timedelta(hours=72), "AVG art. 33 lid 1"),
        issued_at=issued,
        next_update="Binnen 48 uur, na het forensisch onderzoek.",
    )


def paragraph_texts(content: NoticeContent) -> list[str]:
    """The Paragraph texts render_pdf makes for this notice (title, sub-title, warning, heading, label, value)."""
    w = words(content.language)
    texts = [
        w["notice_title"],
        f"{content.incident_reference} · {w['version_initial']} · {w['issued']} {format_local(content.issued_at)}",
    ]
    if content.provisional:
        texts.append(w["provisional"])
    for heading, rows in sections(content):
        texts.append(heading)
        for row_label, value in rows:
            texts += [row_label, value]
    return [para_text(t) for t in texts]


def bare_pdf(texts: list[str]) -> bytes:
    """The floor: the same Paragraphs in a built-in font, one after the other."""
    style = ParagraphStyle("bare", fontName="Helvetica", fontSize=9.5, leading=12.5)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        invariant=True,
    )
    doc.build([Paragraph(t, style) for t in texts])
    return buffer.getvalue()


def pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b", pdf))


# --- timing ----------------------------------------------------------------------------------------------


@dataclass
class Measure:
    name: str
    seconds: list[float]  # one per run
    count: int
    size: int  # bytes of the last output
    pages: int

    def rates(self) -> list[float]:
        return [self.count / s for s in self.seconds]


def timed(work: Callable[[], None]) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def measure_render(contents: list[NoticeContent], texts: list[list[str]], runs: int) -> list[Measure]:
    last: dict[str, bytes] = {}

    def full():
        for c in contents:
            last["full"] = render(c).pdf

    def pdf_only():
        for c in contents:
            last["pdf"] = render_pdf(c)

    def bare():
        for t in texts:
            last["bare"] = bare_pdf(t)

    results = {name: [] for name in ("full", "pdf", "bare")}
    for run in range(runs):
        for name, work in (("full", full), ("pdf", pdf_only), ("bare", bare)):  # interleaved: same conditions
            results[name].append(timed(work))
        print(
            f"run {run + 1}/{runs}: full {len(contents) / results['full'][-1]:6.1f}/s, "
            f"pdf {len(contents) / results['pdf'][-1]:6.1f}/s, bare {len(texts) / results['bare'][-1]:6.1f}/s",
            flush=True,
        )
    return [
        Measure(name, results[name], len(contents), len(last[name]), pages(last[name]))
        for name in ("full", "pdf", "bare")
    ]


# --- the service layer (optional) ------------------------------------------------------------------------


def measure_service(count: int, runs: int) -> Measure:
    """issue_notices(all_=True) for an incident affecting `count` controllers, on a fresh migrated database."""
    from flask_migrate import upgrade
    from sqlalchemy import insert, select

    from incidents import create_app
    from incidents.breaches import service as breaches
    from incidents.extensions import db
    from incidents.notices import service as notices
    from incidents.notices.models import Document
    from incidents.parties.models import Contract, Controller

    def make_app(path: Path):
        return create_app(
            {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "SECRET_KEY": secrets.token_hex(16)}, testing=True
        )

    seconds, size = [], 0
    with tempfile.TemporaryDirectory(prefix="notices-") as tmp:
        template = Path(tmp) / "template.sqlite"
        app = make_app(template)
        with app.app_context():
            upgrade(directory=str(ROOT / "migrations"))
            db.engine.dispose()
        for run in range(runs):
            path = Path(tmp) / f"run{run}.sqlite"
            shutil.copy(template, path)
            app = make_app(path)
            with app.app_context():
                now = datetime.now(UTC)
                db.session.execute(
                    insert(Controller),
                    [
                        {
                            "name": f"Tandartspraktijk Ëlst {n}",
                            "kvk": f"{n:08d}",
                            "contact_name": f"Noël {n}",
                            "contact_email": f"fg{n}@praktijk{n}.example",
                            "language": "nl",
                            "created_at": now,
                        }
                        for n in range(1, count + 1)
                    ],
                )
                ids = list(db.session.scalars(select(Controller.id).order_by(Controller.id)))
                db.session.execute(
                    insert(Contract),
                    [
                        {
                            "controller_id": cid,
                            "profile_key": key,
                            "reference": f"VO-{cid:05d}-{i}",
                            "services": "Hosting",
                            "data_categories": "Gezondheid",
                            "created_at": now,
                        }
                        for cid in ids
                        for i, key in enumerate(CONTRACT_PROFILES)
                    ],
                )
                contract_ids = list(db.session.scalars(select(Contract.id)))
                incident = breaches.create_incident(
                    title="Phishing op het beheeraccount <b>",
                    description=DESCRIPTION.format(n=0),
                    aware_at=now - timedelta(hours=2),
                    status="confirmed",
                    contract_ids=contract_ids,
                    fields={k: v.format(n=0) for k, v in FIELD_TEXT.items()},
                )
                db.session.commit()
                start = time.perf_counter()
                messages = notices.issue_notices(incident, all_=True)
                db.session.commit()
                seconds.append(time.perf_counter() - start)
                if len(messages) != count:
                    raise SystemExit(f"issue_notices made {len(messages)} messages for {count} controllers")
                size = len(db.session.get(Document, messages[-1].document_id).content)
                db.session.remove()
                db.engine.dispose()
            print(f"service run {run + 1}/{runs}: {count / seconds[-1]:6.1f}/s", flush=True)
    return Measure("service", seconds, count, size, 0)


# --- profile ---------------------------------------------------------------------------------------------


def profile_render(contents: list[NoticeContent], top: int) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    for c in contents:
        render(c)
    profiler.disable()
    for order in ("tottime", "cumulative"):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(order).print_stats(top)
        print(f"\ncProfile of render() x {len(contents)}, by {order}:")
        print("\n".join(line for line in out.getvalue().splitlines()[4:] if line.strip()))


# --- report ----------------------------------------------------------------------------------------------


def pin() -> str:
    if not hasattr(os, "sched_setaffinity"):
        return "not pinned (os.sched_setaffinity is not available on this platform)"
    allowed = sorted(os.sched_getaffinity(0))
    try:
        os.sched_setaffinity(0, {allowed[0]})
    except OSError as exc:
        return f"not pinned ({exc}); allowed CPUs {allowed}"
    return f"pinned to CPU {sorted(os.sched_getaffinity(0))} (allowed before: {allowed})"


def report(measures: list[Measure], args, pinned: str, chars: int, paragraphs: int) -> None:
    print(f"\nNotices: {args.count:,} per run, {args.runs} runs, one process, {pinned}")
    print(
        f"machine: {os.cpu_count()} CPUs, 1-minute load average {os.getloadavg()[0]:.1f} "
        "(other work on the machine makes the figures noisier; best is the steadier figure)"
    )
    print(f"each notice: {paragraphs} paragraphs, {chars:,} characters of paragraph text (the bare document the same)")
    print()
    header = f"{'measure':<44} {'best/s':>8} {'median/s':>9} {'ms each':>8} {'KB':>6} {'pages':>5}  verdict (median)"
    print(header)
    print("-" * len(header))
    labels = {
        "full": "full render: PDF + text + HTML (render)",
        "pdf": "PDF alone (render_pdf)",
        "bare": "bare reportlab, Helvetica, no tables",
        "service": "service: issue_notices + commit (DB + render)",
    }
    by_name = {m.name: m for m in measures}
    for m in measures:
        rates = m.rates()
        best, mid = max(rates), statistics.median(rates)
        verdict = ""
        if m.name in ("full", "service"):
            verdict = f"target >= {TARGET_PER_S:.0f}/s: " + (
                "met" if mid >= TARGET_PER_S else f"MISSED ({TARGET_PER_S / mid:.2f}x short)"
            )
        print(
            f"{labels[m.name]:<44} {best:8.1f} {mid:9.1f} {1000 / mid:8.2f} {m.size / 1024:6.1f} "
            f"{m.pages or '':>5}  {verdict}"
        )
    full, pdf, bare = (statistics.median(by_name[n].rates()) for n in ("full", "pdf", "bare"))
    print()
    print(
        f"ratio bare / full render: {bare / full:.2f}x   bare / PDF alone: {bare / pdf:.2f}x   "
        f"PDF share of the full render: {full / pdf:.0%}"
    )
    if "service" in by_name:
        service = statistics.median(by_name["service"].rates())
        print(
            f"ratio full render / service: {full / service:.2f}x (the database, content building and e-mail "
            "bodies on top of the render)"
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1000, help="notices rendered per run (default 1000)")
    parser.add_argument("--runs", type=int, default=3, help="measured runs (default 3)")
    parser.add_argument(
        "--service",
        type=int,
        default=0,
        metavar="N",
        help="also issue N notices through issue_notices on a migrated database (default off)",
    )
    parser.add_argument("--no-pin", action="store_true", help="do not pin the process to one CPU")
    parser.add_argument("--profile", action="store_true", help="afterwards, cProfile --profile-count renders")
    parser.add_argument("--profile-count", type=int, default=100, help="renders under cProfile (default 100)")
    parser.add_argument("--top", type=int, default=30, help="cProfile lines to print (default 30)")
    args = parser.parse_args(argv)
    if args.count < 1 or args.runs < 1 or args.service < 0:
        parser.error("--count and --runs must be at least 1, --service at least 0")

    pinned = "not pinned (--no-pin)" if args.no_pin else pin()
    print(pinned, flush=True)
    contents = [notice(n, "en" if n % 10 == 0 else "nl") for n in range(1, args.count + 1)]
    texts = [paragraph_texts(c) for c in contents]
    # warm-up: font registration, imports, reportlab's caches; not measured
    render(contents[0])
    bare_pdf(texts[0])
    measures = measure_render(contents, texts, args.runs)
    if args.service:
        measures.append(measure_service(args.service, args.runs))
    chars = round(statistics.mean(sum(len(t) for t in ts) for ts in texts))
    report(measures, args, pinned, chars, len(texts[0]))
    if args.profile:
        profile_render(contents[: args.profile_count], args.top)


if __name__ == "__main__":
    main()
