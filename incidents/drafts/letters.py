"""The communication to data subjects (AVG art. 34 lid 2) in clear and plain language: a letter, an e-mail and a
public notice (for the art. 34 lid 3 sub c ground, disproportionate effort). Pure: no Flask, no database.

The controller sends it, so it is written from the controller's side: the controller heard of the breach from its
supplier (the processor) on the day the processor informed it, never "we discovered it" with the processor's date.
It describes the nature of the breach, names the controller's own contact point, the likely consequences and the
measures taken, and gives advice that follows the kinds of data in THIS controller's scope. What we do not know yet
is shown as a marked placeholder, never invented; what is recorded is never a placeholder.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from ..core.instants import InstantError, parse_instant, to_local
from ..core.scope_words import CATEGORY_LABELS, labels

VARIANTS = ("letter", "email", "public")

W = {
    "nl": {
        "missing": "[NOG INVULLEN: {what}]",
        "what_nature": "wat er is gebeurd",
        "what_data": "om welke gegevens het gaat",
        "what_consequences": "de mogelijke gevolgen",
        "what_measures": "de genomen maatregelen",
        "what_contact": "waar betrokkenen met vragen terechtkunnen (contactgegevens van uw organisatie)",
        "what_informed": "datum waarop de leverancier ons informeerde",
        "subject": "Uw persoonsgegevens zijn betrokken bij een datalek",
        "public_title": "Mededeling over een datalek bij {controller}",
        "salutation": "Geachte heer/mevrouw [naam],",
        "opening": "Hierbij informeren wij u over een datalek waarbij uw persoonsgegevens betrokken zijn. Wij vinden "
        "het belangrijk dat u weet wat er is gebeurd en wat u zelf kunt doen.",
        "opening_public": "{controller} informeert iedereen van wie persoonsgegevens betrokken zijn bij een datalek. "
        "Omdat wij niet iedereen persoonlijk kunnen bereiken, doen wij dat met deze mededeling.",
        "h_what": "Wat is er gebeurd?",
        "h_data": "Om welke gegevens gaat het?",
        "h_consequences": "Wat kunnen de gevolgen zijn?",
        "h_measures": "Wat hebben wij gedaan?",
        "h_advice": "Wat kunt u zelf doen?",
        "h_contact": "Vragen?",
        "heard": "Op {date} hoorden wij van onze leverancier{processor} dat er bij hen een datalek is geweest "
        "waarbij persoonsgegevens betrokken zijn die zij voor ons verwerken.",
        "period_day": "Het datalek vond plaats op {start}.",
        "period": "Het datalek duurde van {start} tot en met {end}.",
        "period_start": "Het datalek begon op {start}.",
        "period_end": "Het datalek eindigde op {end}.",
        "data_intro": "Het gaat om de volgende gegevens:",
        "advice_phishing": "Wees alert op e-mails, sms-berichten of telefoontjes die naar dit datalek verwijzen of "
        "om uw gegevens vragen. Wij vragen u nooit om uw wachtwoord of pincode.",
        "advice_identity": "Met uw burgerservicenummer (BSN) of een kopie van uw identiteitsbewijs kan iemand zich "
        "voor u uitgeven. Let de komende tijd op post, rekeningen of aanmaningen over leningen, "
        "abonnementen of aankopen die u niet kent. Vermoedt u dat iemand uw identiteit misbruikt? "
        "Doe dan aangifte bij de politie en neem contact op met het Centraal Meldpunt "
        "Identiteitsfraude en -fouten (CMI) van de Rijksdienst voor Identiteitsgegevens.",
        "advice_health": "Het gaat ook om gegevens over uw gezondheid. Wees extra voorzichtig als iemand u belt, "
        "mailt of schrijft en daarbij medische gegevens over u noemt, bijvoorbeeld om uw vertrouwen "
        "te winnen of om geld of gegevens te vragen. Medische gegevens vallen onder het "
        "beroepsgeheim: geef ze niet aan iemand die u onverwacht benadert. Twijfelt u of een bericht "
        "van ons komt? Neem dan zelf contact met ons op via de gegevens hieronder.",
        "advice_images": "Er zijn ook beelden betrokken, zoals foto's of röntgenfoto's. Komt u beelden van uzelf "
        "tegen op internet, of stuurt iemand ze u toe? Neem dan contact met ons op.",
        "advice_password": "Verander uw wachtwoord, ook bij andere diensten waar u hetzelfde wachtwoord gebruikt.",
        "advice_financial": "Controleer de komende maanden uw bankafschriften. Ziet u een onbekende afschrijving? "
        "Neem dan contact op met uw bank.",
        "advice_complaint": "U kunt een klacht indienen bij de Autoriteit Persoonsgegevens.",
        "advice_complaint_other": "U kunt een klacht indienen bij de {authority} of bij de privacytoezichthouder "
        "van het land waar u woont.",
        "advice_complaint_outside": "U kunt een klacht indienen bij de privacytoezichthouder van het land waar u "
        "woont.",
        "contact": "Heeft u vragen? Neem dan contact met ons op:{sep}{contact}",
        "apology": "Wij bieden u onze excuses aan voor dit datalek.",
        "signature": "Met vriendelijke groet,\n\n{controller}",
        "address": "[adres]",
        "name": "[naam]",
        "date": "[datum]",
    },
    "en": {
        "missing": "[TO FILL IN: {what}]",
        "what_nature": "what happened",
        "what_data": "which data are involved",
        "what_consequences": "the likely consequences",
        "what_measures": "the measures taken",
        "what_contact": "where data subjects can turn with questions (your organisation's contact details)",
        "what_informed": "date on which the supplier informed us",
        "subject": "Your personal data were involved in a data breach",
        "public_title": "Notice of a data breach at {controller}",
        "salutation": "Dear Sir or Madam,",
        "opening": "We are writing to inform you of a data breach involving your personal data. We consider it "
        "important that you know what happened and what you can do yourself.",
        "opening_public": "{controller} is informing everyone whose personal data were involved in a data breach. "
        "Because we cannot reach everyone personally, we do so with this notice.",
        "h_what": "What happened?",
        "h_data": "Which data are involved?",
        "h_consequences": "What could the consequences be?",
        "h_measures": "What have we done?",
        "h_advice": "What can you do yourself?",
        "h_contact": "Questions?",
        "heard": "On {date} our supplier{processor} informed us of a data breach at their organisation involving "
        "personal data they process for us.",
        "period_day": "The breach took place on {start}.",
        "period": "The breach lasted from {start} to {end}.",
        "period_start": "The breach began on {start}.",
        "period_end": "The breach ended on {end}.",
        "data_intro": "The following data are involved:",
        "advice_phishing": "Be alert to e-mails, text messages or phone calls that mention this breach or ask for "
        "your details. We will never ask for your password or PIN.",
        "advice_identity": "With your citizen service number (BSN) or a copy of your identity document, someone "
        "could pretend to be you. In the coming period, watch for post, bills or reminders about "
        "loans, subscriptions or purchases you do not recognise. If you suspect someone is misusing "
        "your identity, report it to the police and contact the Central Reporting Point for "
        "Identity Fraud (CMI) of the Dutch National Office for Identity Data (RvIG).",
        "advice_health": "Data about your health are also involved. Be especially careful if someone calls, e-mails "
        "or writes to you and mentions medical details about you, for instance to gain your trust "
        "or to ask for money or information. Medical data are covered by professional secrecy: do "
        "not give them to anyone who approaches you unexpectedly. If you doubt whether a message "
        "comes from us, contact us yourself using the details below.",
        "advice_images": "Images are also involved, such as photographs or X-rays. If you come across images of "
        "yourself on the internet, or someone sends them to you, please contact us.",
        "advice_password": "Change your password, also at other services where you use the same password.",
        "advice_financial": "Check your bank statements over the coming months. If you see a payment you do not "
        "recognise, contact your bank.",
        "advice_complaint": "You can lodge a complaint with the Dutch Data Protection Authority (Autoriteit "
        "Persoonsgegevens).",
        "advice_complaint_other": "You can lodge a complaint with the {authority} or with the data protection "
        "authority of the country where you live.",
        "advice_complaint_outside": "You can lodge a complaint with the data protection authority of the country "
        "where you live.",
        "contact": "If you have questions, please contact us:{sep}{contact}",
        "apology": "We apologise for this data breach.",
        "signature": "Yours faithfully,\n\n{controller}",
        "address": "[address]",
        "name": "[name]",
        "date": "[date]",
    },
}
# Kinds of data (the scope's codes) that call for specific advice.
IDENTITY_CODES = {"bsn", "id_copy"}
HEALTH_CODES = {"health", "genetic"}
LOGIN_CODES = {"login"}
FINANCIAL_CODES = {"financial", "iban", "credit_card"}
# Fallback when the controller's scope names no kinds of data: words in the incident's text.
PASSWORD_WORDS = ("wachtwoord", "password", "inlog", "login", "credential")
IDENTITY_WORDS = ("bsn", "burgerservicenummer", "paspoort", "passport", "identiteitsbewijs", "id-kaart", "rijbewijs")
HEALTH_WORDS = ("gezondheid", "medisch", "medical", "health", "diagnos", "patiëntendossier", "patiëntdossier")
# Images have no code of their own ("other" says nothing): the controller's scope note, else the incident's text.
IMAGE_WORDS = (
    "foto",
    "röntgen",
    "rontgen",
    "afbeelding",
    "beeldmateriaal",
    "camerabeeld",
    "photo",
    "image",
    "x-ray",
    "radiograph",
)
# At the start of a word: "bankgegevens" is financial, a "klantendatabank" (database) is not.
FINANCIAL = re.compile(r"(?<![a-z])(iban|bank|rekeningnummer|creditcard|credit card|financ)")


@dataclass(frozen=True)
class LetterFacts:
    controller_name: str
    informed_at: datetime | None  # when the processor first informed THIS controller (its first notice); None: not yet
    fields: dict
    data_types: tuple[str, ...] = ()  # from the severity assessment, if any
    incident_kind: str | None = None
    processor_name: str = ""
    started_at: datetime | None = None  # the period of the breach, if recorded
    ended_at: datetime | None = None
    scope: Mapping = field(default_factory=dict)  # THIS controller's scope only
    contact: str = ""  # where data subjects can turn: the controller's, never the processor's contact point
    controller_address: str = ""
    description: str = ""  # the incident's description: only a fallback for the kinds of data
    # The controller's authority (Dutch, English) when it is not the AP; ("", "") when none is competent on its own
    # (established outside the EEA). None: the AP.
    authority: tuple[str, str] | None = None


@dataclass(frozen=True)
class Letter:
    variant: str
    language: str
    subject: str
    body: str
    gaps: tuple[str, ...]


def _lang(language: str) -> str:
    return "en" if language == "en" else "nl"


def contact_text(subjects_contact: str, name: str = "", email: str = "", phone: str = "") -> str:
    """The contact printed in the letter: where data subjects can turn, else the controller's own contact."""
    given = (subjects_contact or "").strip()
    if given:
        return given
    return ", ".join(part.strip() for part in (name, email, phone) if part and part.strip())


def instant_or_none(value: object) -> datetime | None:
    """A recorded instant (details.started_at, UTC ISO text), or None when absent or unreadable."""
    try:
        return parse_instant(value) if value else None
    except InstantError:
        return None


def categories(facts: LetterFacts) -> list[str]:
    """The kinds of data in the controller's scope (general and special), without "not yet known"."""
    codes = [*(facts.scope.get("data_categories") or ()), *(facts.scope.get("special_categories") or ())]
    return [c for c in dict.fromkeys(codes) if c != "unknown"]


def _fallback_text(facts: LetterFacts) -> str:
    """The incident's own words, used only when the controller's scope names no kinds of data."""
    parts = [str(facts.fields.get(k) or "") for k in ("affected_data", "nature", "cause")]
    return " ".join([*parts, facts.description or ""]).lower()


def advice(facts: LetterFacts, language: str) -> list[str]:
    w = W[_lang(language)]
    codes = set(categories(facts))
    note = str(facts.scope.get("note") or "").lower()
    text = "" if codes else _fallback_text(facts)

    def applies(wanted: set[str], words: tuple[str, ...]) -> bool:
        return bool(codes & wanted) or any(word in text for word in words)

    items = [w["advice_phishing"]]
    if applies(IDENTITY_CODES, IDENTITY_WORDS):
        items.append(w["advice_identity"])
    if applies(HEALTH_CODES, HEALTH_WORDS):
        items.append(w["advice_health"])
    if any(word in note or word in text for word in IMAGE_WORDS):
        items.append(w["advice_images"])
    # Only when login data are involved: the people in a hosting platform's data often have no account there.
    if applies(LOGIN_CODES, PASSWORD_WORDS):
        items.append(w["advice_password"])
    if codes & FINANCIAL_CODES or "financial" in facts.data_types or FINANCIAL.search(text):
        items.append(w["advice_financial"])
    if facts.authority is None:
        items.append(w["advice_complaint"])
    elif not facts.authority[0]:
        items.append(w["advice_complaint_outside"])
    else:
        named = facts.authority[1 if _lang(language) == "en" else 0]
        items.append(w["advice_complaint_other"].format(authority=named))
    return items


def _date(value: datetime) -> str:
    return to_local(value).strftime("%d-%m-%Y")


def _period(facts: LetterFacts, w: dict) -> str:
    start = _date(facts.started_at) if facts.started_at else None
    end = _date(facts.ended_at) if facts.ended_at else None
    if start and end:
        return w["period_day"].format(start=start) if start == end else w["period"].format(start=start, end=end)
    if start:
        return w["period_start"].format(start=start)
    return w["period_end"].format(end=end) if end else ""


def compose_letter(facts: LetterFacts, variant: str, language: str = "nl", apology: bool = False) -> Letter:
    if variant not in VARIANTS:
        raise ValueError(f"variant must be one of {', '.join(VARIANTS)}")
    language = _lang(language)
    w = W[language]
    gaps: list[str] = []

    def missing(key: str, what: str) -> str:
        gaps.append(key)
        return w["missing"].format(what=w[what])

    def value(key: str, what: str) -> str:
        text = (facts.fields.get(key) or "").strip()
        return text or missing(key, what)

    processor = f" {facts.processor_name.strip()}" if facts.processor_name.strip() else ""
    heard = w["heard"].format(
        date=_date(facts.informed_at) if facts.informed_at else missing("informed_at", "what_informed"),
        processor=processor,
    )
    what = " ".join(p for p in (heard, value("nature", "what_nature"), _period(facts, w)) if p)
    kinds = labels(categories(facts), CATEGORY_LABELS, language)
    data = w["data_intro"] + "\n" + "\n".join(f"- {k}" for k in kinds) if kinds else value("affected_data", "what_data")
    consequences, measures = value("consequences", "what_consequences"), value("measures", "what_measures")
    contact = facts.contact.strip() or missing("subjects_contact", "what_contact")
    public = variant == "public"
    parts = [
        "" if public else w["salutation"],
        (w["opening_public"] if public else w["opening"]).format(controller=facts.controller_name),
        f"{w['h_what']}\n{what}",
        f"{w['h_data']}\n{data}",
        f"{w['h_consequences']}\n{consequences}",
        f"{w['h_measures']}\n{measures}",
        w["h_advice"] + "\n" + "\n".join(f"- {item}" for item in advice(facts, language)),
        f"{w['h_contact']}\n" + w["contact"].format(sep="\n" if "\n" in contact else " ", contact=contact),
        w["apology"] if apology else "",
    ]
    if not public:
        parts.append(w["signature"].format(controller=facts.controller_name))
    body = "\n\n".join(p for p in parts if p)
    subject = w["public_title"].format(controller=facts.controller_name) if public else w["subject"]
    if variant == "letter":
        sender = facts.controller_address.strip() or w["address"]
        body = f"{facts.controller_name}\n{sender}\n\n{w['name']}\n{w['address']}\n\n{w['date']}\n\n{subject}\n\n{body}"
    elif public:
        body = f"{subject}\n\n{body}"
    return Letter(variant, language, subject, body, tuple(dict.fromkeys(gaps)))
