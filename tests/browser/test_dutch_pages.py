"""The whole interface in Dutch: a handler, a controller's user and an administrator walk their pages on the demo data
in Chromium, and no English word may appear in the visible text of a Dutch page.

The rule. The English words are those of the interface's own English: every word of the catalogue's msgids (and a
short list of English function words) that no Dutch translation uses. A msgid without its Dutch translation therefore
shows up here as soon as a page shows it. Not checked, because it is not the interface's language:
- what is marked as being in another language (`lang` other than nl: the language switch's "English");
- code, file names and identifiers in `<code>`, `<kbd>`, `<pre>` (a route in the access log, a CSV column);
- the contract's own words, quoted in `.clause`, `<blockquote>` and `<q>` (a contract may be in English);
- e-mail and web addresses (`naam@example.nl`, `https://…`), identifiers (`contract_ids`), and a placeholder without
  spaces (an example CSV header);
- a few English words that Dutch uses as well, or names (ALSO_DUTCH below).
What people typed (titles, descriptions, names) is checked as well: the demo data is Dutch, so an English word there
is reported too, and the demo data should then be corrected.
"""

from __future__ import annotations

import re

import pyotp
import pytest
from babel.messages.pofile import read_po
from sqlalchemy import select

from incidents import ROOT
from incidents.auth import twofactor
from incidents.auth.models import User
from incidents.auth.service import create_user
from incidents.breaches.models import Incident
from incidents.extensions import db
from incidents.parties.models import Controller

pytestmark = pytest.mark.browser

PASSWORD = "een lang demowachtwoord"
CATALOGUE = ROOT / "incidents" / "translations" / "nl" / "LC_MESSAGES" / "messages.po"
FUNCTION_WORDS = set(
    [
        "the",
        "and",
        "of",
        "to",
        "with",
        "for",
        "not",
        "this",
        "that",
        "these",
        "those",
        "are",
        "was",
        "were",
        "has",
        "have",
        "had",
        "must",
        "may",
        "cannot",
        "can",
        "will",
        "would",
        "which",
        "from",
        "or",
        "by",
        "at",
        "on",
        "your",
        "you",
        "our",
        "their",
        "there",
        "here",
        "been",
        "being",
        "should",
        "could",
        "into",
        "than",
        "then",
        "when",
        "where",
        "what",
        "who",
        "why",
        "how",
        "all",
        "any",
        "each",
        "every",
        "some",
        "none",
        "yes",
        "no",
    ]
)
# English words that are Dutch words as well, or names: "was" (Dutch verb), "details" and "export" (Dutch loanwords),
# "security" (the demo's "Security Operations Center"), "English" (a language's own name, as the switch shows it),
# "GDPR" (the law's name as a contract cites it: "AVG / GDPR").
ALSO_DUTCH = {"was", "details", "export", "security", "english", "gdpr"}
WORD = re.compile(r"[a-zà-ÿ_]+(?:['’-][a-zà-ÿ_]+)*", re.IGNORECASE)
ADDRESS = re.compile(r"\S+@\S+|https?://\S+|\b[A-Z]{2}-\d{4}-\d{4}\b")
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|\{\w*\}")

VISIBLE_TEXT = """
() => {
  const skip = "code, kbd, pre, samp, script, style, template, .clause, blockquote, q, [translate=no]";
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const element = node.parentElement;
    if (!element || element.closest(skip)) continue;
    const marked = element.closest("[lang]");
    if (marked && marked.getAttribute("lang") !== "nl") continue;
    if (!element.getClientRects().length && !element.closest("option, details")) continue;
    const text = node.textContent.trim();
    if (text) out.push(text);
  }
  for (const field of document.querySelectorAll("[placeholder], [title], [aria-label]")) {
    if (field.closest(skip)) continue;
    for (const name of ["placeholder", "title", "aria-label"]) {
      const text = field.getAttribute(name) || "";
      if (text.includes(" ")) out.push(text);  // an example without spaces is code (a CSV header), not prose
    }
  }
  return out;
}
"""


def words(text: str) -> list[str]:
    """The words of a text, lower case; identifiers (contract_ids), addresses and placeholders are no words."""
    found = WORD.findall(ADDRESS.sub(" ", PLACEHOLDER.sub(" ", text)))
    # a two-letter code in capitals is a country's ISO code ("Belarus (BY)", "Noorwegen (NO)"), not a word
    return [w.lower() for w in found if "_" not in w and not (len(w) == 2 and w.isupper())]


def english_words() -> set[str]:
    """The words of the interface's English that its Dutch never uses."""
    with CATALOGUE.open("rb") as handle:
        catalogue = read_po(handle)
    english, dutch = set(FUNCTION_WORDS), set()
    for entry in catalogue:
        if not entry.id:
            continue
        for text in entry.id if isinstance(entry.id, tuple) else (entry.id,):
            english.update(w for w in words(text) if len(w) > 2)
        for text in entry.string if isinstance(entry.string, tuple) else (entry.string,):
            dutch.update(words(text or ""))
    return english - dutch - ALSO_DUTCH


def english_on(page, url: str, marker: set[str]) -> list[str]:
    page.goto(page.base + url)
    assert page.locator("html").get_attribute("lang") == "nl", url
    found = []
    for text in page.evaluate(VISIBLE_TEXT):
        hits = sorted({w for w in words(text) if w in marker})
        if hits:
            found.append(f"{url}: {', '.join(hits)} in “{text[:120]}”")
    return found


def log_in(page, email: str, code: str | None = None):
    page.context.clear_cookies()
    page.goto(page.base + "/login?lang=nl")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    if code is not None:
        page.wait_for_url("**/login/2fa")
        page.fill("#code", code)
        page.click("#second-factor button[type=submit]")
    page.wait_for_load_state()


@pytest.fixture
def demo(app, runner):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    for user in db.session.scalars(select(User)):
        user.set_password(PASSWORD)
    admin = create_user("beheer@verwerker.example", "admin", PASSWORD, name="Beheerder")
    # a user of the customer that is itself a processor (the processor chain: its portal differs)
    chain = db.session.scalar(select(Controller).where(Controller.is_processor.is_(True)))
    create_user("fg@zorggroepwf.example", "controller", PASSWORD, name="FG Zorggroep", controller_id=chain.id)
    secret = twofactor.start_enrolment(admin)
    twofactor.confirm_enrolment(admin, pyotp.TOTP(secret).now())
    admin.totp_last_step = None
    db.session.commit()
    incidents = list(db.session.scalars(select(Incident).order_by(Incident.id)))
    assert len(incidents) >= 3
    return {"incidents": incidents, "admin_secret": secret}


def _processors_of(incident) -> list[int]:
    """The affected controllers of an incident that are processors themselves."""
    return [a.controller_id for a in incident.affected if db.session.get(Controller, a.controller_id).is_processor]


def test_no_english_word_on_the_dutch_pages(page, demo):
    marker = english_words()
    assert {"notify", "controller", "deadline", "the"} <= marker and "melding" not in marker
    found: list[str] = []
    first, *_ = demo["incidents"]
    controller_id = db.session.scalar(select(User.controller_id).where(User.email == "fg@nwkliniek.example"))

    log_in(page, "demo@verwerker.example")
    handler_pages = [
        "/",
        "/incidents/",
        "/incidents/new",
        "/register/",
        "/controllers",
        f"/controllers/{controller_id}",
        "/contracts",
        "/contracts/import",
        "/notifications/",
        "/account/",
        "/account/tokens",
        "/nowhere",  # the 404 page
        *[f"/incidents/{incident.id}" for incident in demo["incidents"]],
        f"/incidents/{first.id}/ap-draft/{controller_id}",
        f"/incidents/{first.id}/subjects-letter/{controller_id}",
        f"/incidents/{first.id}/regimes/nis2",
        f"/incidents/{first.id}/regimes/nis2/stages/early_warning",
        f"/incidents/{first.id}/regimes/nis2/stages/final_report",
        "/sub-processors",
        *[f"/incidents/{i.id}/controllers/{c}" for i in demo["incidents"] for c in _processors_of(i)],
    ]
    for url in handler_pages:
        found += english_on(page, url, marker)

    log_in(page, "fg@nwkliniek.example")
    portal = ["/portal/", "/notifications/", "/account/"]
    portal += [
        f"/portal/incidents/{i.id}"
        for i in demo["incidents"]
        if page.goto(page.base + f"/portal/incidents/{i.id}").status == 200
    ]
    for url in portal:
        found += english_on(page, url, marker)

    log_in(page, "fg@zorggroepwf.example")  # the processor chain: its onward duty and the forward form
    chain_portal = ["/portal/"] + [f"/portal/incidents/{i.id}" for i in demo["incidents"] if _processors_of(i)]
    assert len(chain_portal) > 1  # the demo has an incident that touches it
    for url in chain_portal:
        found += english_on(page, url, marker)

    log_in(page, "beheer@verwerker.example", pyotp.TOTP(demo["admin_secret"]).now())
    for url in [
        "/admin/users",
        "/admin/access-log",
        "/admin/webhooks/",
        "/admin/access-log?action=open_incident",
        "/admin/regimes",
    ]:
        found += english_on(page, url, marker)

    assert not found, f"{len(found)} English text(s) on Dutch pages:\n" + "\n".join(found)
