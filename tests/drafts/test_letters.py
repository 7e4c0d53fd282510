"""The communication to data subjects (AVG art. 34): the pure composer of the letter, the e-mail and the public
notice, and the web page that shows them with copy buttons."""

from __future__ import annotations

import html
from datetime import UTC, datetime, timedelta

import pytest

from incidents.breaches.assessment import record_severity
from incidents.breaches.models import Incident
from incidents.breaches.service import FilingInput
from incidents.core.guard import guard_text
from incidents.core.instants import to_local, utcnow
from incidents.drafts.letters import VARIANTS, LetterFacts, W, compose_letter, contact_text
from incidents.extensions import db
from tests.conftest import MAKER

from .conftest import iso

# Late on 28 March UTC is already 29 March in Amsterdam: the letter gives the Amsterdam date.
AWARE = datetime(2026, 3, 28, 23, 30, tzinfo=UTC)
PROCESSOR = "Voorbeeld Verwerker B.V."
CONTACT = "Privacyteam De Linde, privacy@delinde.example"
FIELDS = {
    "nature": "NATURE-Een medewerker mailde een bestand naar de verkeerde ontvanger.",
    "affected_data": "DATA-Namen en adressen.",
    "consequences": "CONSEQUENCES-Mogelijke inzage.",
    "measures": "MEASURES-De ontvanger heeft het bestand verwijderd.",
}
PLACEHOLDERS = {
    "nl": {
        "nature": "[NOG INVULLEN: wat er is gebeurd]",
        "affected_data": "[NOG INVULLEN: om welke gegevens het gaat]",
        "consequences": "[NOG INVULLEN: de mogelijke gevolgen]",
        "measures": "[NOG INVULLEN: de genomen maatregelen]",
        "subjects_contact": "[NOG INVULLEN: waar betrokkenen met vragen terechtkunnen",
        "informed_at": "[NOG INVULLEN: datum waarop de leverancier ons informeerde]",
    },
    "en": {
        "nature": "[TO FILL IN: what happened]",
        "affected_data": "[TO FILL IN: which data are involved]",
        "consequences": "[TO FILL IN: the likely consequences]",
        "measures": "[TO FILL IN: the measures taken]",
        "subjects_contact": "[TO FILL IN: where data subjects can turn with questions",
        "informed_at": "[TO FILL IN: date on which the supplier informed us]",
    },
}
ADVICE = {
    "nl": {
        "phishing": "Wees alert op e-mails, sms-berichten of telefoontjes",
        "password": "Verander uw wachtwoord, ook bij andere diensten",
        "bank": "Controleer de komende maanden uw bankafschriften",
        "identity": "Centraal Meldpunt Identiteitsfraude en -fouten (CMI) van de Rijksdienst voor Identiteitsgegevens",
        "health": "medische gegevens over u noemt",
        "images": "Er zijn ook beelden betrokken",
        "complaint": "U kunt een klacht indienen bij de Autoriteit Persoonsgegevens.",
    },
    "en": {
        "phishing": "Be alert to e-mails, text messages or phone calls",
        "password": "Change your password, also at other services",
        "bank": "Check your bank statements over the coming months",
        "identity": "Central Reporting Point for Identity Fraud (CMI)",
        "health": "mentions medical details about you",
        "images": "Images are also involved",
        "complaint": "You can lodge a complaint with the Dutch Data Protection Authority",
    },
}
# Words that must never appear on a Dutch page or in a Dutch letter.
ENGLISH_GUARD = ("the processor may not inform data subjects", "the controller decides and informs them", "(profile '")


def facts(fields=None, data_types=(), kind=None, controller="Huisartsenpraktijk De Linde", **more) -> LetterFacts:
    values = {"processor_name": PROCESSOR, "contact": CONTACT, **more}
    return LetterFacts(controller, AWARE, dict(FIELDS if fields is None else fields), tuple(data_types), kind, **values)


def advice_given(letter, language) -> set[str]:
    return {name for name, text in ADVICE[language].items() if text in letter.body}


# --- pure -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("variant", VARIANTS)
def test_every_variant_carries_the_known_facts(variant, language):
    letter = compose_letter(facts(), variant, language)
    assert (letter.variant, letter.language) == (variant, language)
    for value in (*FIELDS.values(), CONTACT):
        assert value in letter.body, value
    assert letter.gaps == ()
    assert "[NOG INVULLEN" not in letter.body and "[TO FILL IN" not in letter.body
    assert "29-03-2026" in letter.body and "28-03-2026" not in letter.body
    assert "Huisartsenpraktijk De Linde" in letter.body


@pytest.mark.parametrize(
    "language, heard",
    [
        (
            "nl",
            "Op 29-03-2026 hoorden wij van onze leverancier Voorbeeld Verwerker B.V. dat er bij hen een datalek is "
            "geweest",
        ),
        (
            "en",
            "On 29-03-2026 our supplier Voorbeeld Verwerker B.V. informed us of a data breach at their organisation",
        ),
    ],
)
@pytest.mark.parametrize("variant", VARIANTS)
def test_written_from_the_controllers_side(variant, language, heard):
    letter = compose_letter(facts(), variant, language)
    assert heard in letter.body
    assert "ontdekten" not in letter.body and "discovered" not in letter.body
    what = letter.body.split(W[language]["h_what"] + "\n", 1)[1].split("\n\n", 1)[0]
    assert what.startswith(heard) and FIELDS["nature"] in what


@pytest.mark.parametrize(
    "started, ended, sentence",
    [
        (datetime(2026, 3, 2, 22, 43, tzinfo=UTC), None, "Het datalek begon op 02-03-2026."),
        (
            datetime(2026, 3, 2, 22, 43, tzinfo=UTC),
            datetime(2026, 3, 5, 9, 0, tzinfo=UTC),
            "Het datalek duurde van 02-03-2026 tot en met 05-03-2026.",
        ),
        # 23:43 UTC on 2 March is 00:43 on 3 March in Amsterdam, the same day as the end
        (
            datetime(2026, 3, 2, 23, 43, tzinfo=UTC),
            datetime(2026, 3, 3, 9, 0, tzinfo=UTC),
            "Het datalek vond plaats op 03-03-2026.",
        ),
        (None, datetime(2026, 3, 5, 9, 0, tzinfo=UTC), "Het datalek eindigde op 05-03-2026."),
    ],
)
def test_the_period_of_the_breach(started, ended, sentence):
    assert sentence in compose_letter(facts(started_at=started, ended_at=ended), "letter", "nl").body


def test_period_in_english():
    letter = compose_letter(
        facts(started_at=datetime(2026, 3, 2, 12, tzinfo=UTC), ended_at=datetime(2026, 3, 4, 12, tzinfo=UTC)),
        "email",
        "en",
    )
    assert "The breach lasted from 02-03-2026 to 04-03-2026." in letter.body


@pytest.mark.parametrize("language", ["nl", "en"])
def test_not_yet_informed_is_a_placeholder_never_the_processors_date(language):
    letter = compose_letter(
        LetterFacts("De Linde", None, dict(FIELDS), processor_name=PROCESSOR, contact=CONTACT), "letter", language
    )
    assert letter.gaps == ("informed_at",)
    assert PLACEHOLDERS[language]["informed_at"] in letter.body


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("missing", [*FIELDS, "subjects_contact"])
def test_a_missing_fact_is_a_marked_placeholder_and_a_gap(variant, language, missing):
    known = {k: v for k, v in FIELDS.items() if k != missing}
    letter = compose_letter(facts(known, contact="" if missing == "subjects_contact" else CONTACT), variant, language)
    assert letter.gaps == (missing,)
    assert PLACEHOLDERS[language][missing] in letter.body
    assert letter.body.count(f"[{'NOG INVULLEN' if language == 'nl' else 'TO FILL IN'}:") == 1
    for value in known.values():
        assert value in letter.body


@pytest.mark.parametrize("language", ["nl", "en"])
def test_nothing_known_lists_every_gap_once(language):
    letter = compose_letter(LetterFacts("De Linde", None, {"nature": "   ", "measures": ""}), "email", language)
    assert letter.gaps == ("informed_at", "nature", "affected_data", "consequences", "measures", "subjects_contact")
    for placeholder in PLACEHOLDERS[language].values():
        assert placeholder in letter.body


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_scopes_kinds_of_data_are_never_a_placeholder(language):
    scope = {"data_categories": ["name", "bsn", "unknown"], "special_categories": ["health"]}
    letter = compose_letter(
        facts({k: v for k, v in FIELDS.items() if k != "affected_data"}, scope=scope), "letter", language
    )
    assert letter.gaps == ()
    expected = {
        "nl": "Het gaat om de volgende gegevens:\n- Naam\n- Burgerservicenummer (BSN)\n- Gezondheidsgegevens",
        "en": "The following data are involved:\n- Name\n- Citizen service number (BSN)\n- Health data",
    }
    assert expected[language] in letter.body
    # the scope's own kinds of data replace the incident-wide free text (which may describe other controllers)
    assert FIELDS["affected_data"] not in compose_letter(facts(scope=scope), "letter", language).body


def test_only_not_yet_known_in_the_scope_falls_back_to_the_incidents_words():
    letter = compose_letter(facts(scope={"data_categories": ["unknown"]}), "letter", "nl")
    assert FIELDS["affected_data"] in letter.body and letter.gaps == ()


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize(
    "fields, data_types, kind, scope, expected",
    [
        (FIELDS, (), None, {}, {"phishing", "complaint"}),
        # hacking alone is no reason to change a password: the people may have no account at the processor
        (FIELDS, (), "hacking_malware_phishing", {}, {"phishing", "complaint"}),
        (FIELDS, (), "hacking_malware_phishing", {"data_categories": ["name", "address"]}, {"phishing", "complaint"}),
        (
            FIELDS,
            (),
            "hacking_malware_phishing",
            {"data_categories": ["name", "login"]},
            {"phishing", "password", "complaint"},
        ),
        (FIELDS, (), None, {"data_categories": ["bsn"]}, {"phishing", "identity", "complaint"}),
        (FIELDS, (), None, {"data_categories": ["id_copy"]}, {"phishing", "identity", "complaint"}),
        (FIELDS, (), None, {"special_categories": ["health"]}, {"phishing", "health", "complaint"}),
        (FIELDS, (), None, {"data_categories": ["name", "health"]}, {"phishing", "health", "complaint"}),
        (FIELDS, (), None, {"data_categories": ["iban"]}, {"phishing", "bank", "complaint"}),
        (FIELDS, (), None, {"data_categories": ["credit_card"]}, {"phishing", "bank", "complaint"}),
        (FIELDS, (), None, {"data_categories": ["other"]}, {"phishing", "complaint"}),
        (
            FIELDS,
            (),
            None,
            {"data_categories": ["other"], "note": "Röntgenfoto's van de patiënten"},
            {"phishing", "images", "complaint"},
        ),
        (
            FIELDS,
            (),
            None,
            {"data_categories": ["bsn", "health", "login", "financial"]},
            {"phishing", "identity", "health", "password", "bank", "complaint"},
        ),
        (FIELDS, ("simple", "financial"), None, {}, {"phishing", "bank", "complaint"}),
        # the incident's own words count only when the controller's scope names no kinds of data
        (
            {**FIELDS, "affected_data": "Gebruikersnamen en wachtwoorden (gehasht)"},
            (),
            None,
            {},
            {"phishing", "password", "complaint"},
        ),
        (
            {**FIELDS, "affected_data": "Gebruikersnamen en wachtwoorden (gehasht)"},
            (),
            None,
            {"data_categories": ["name"]},
            {"phishing", "complaint"},
        ),
        ({**FIELDS, "cause": "Gestolen inloggegevens"}, (), None, {}, {"phishing", "password", "complaint"}),
        ({**FIELDS, "affected_data": "Namen en IBAN-nummers"}, (), None, {}, {"phishing", "bank", "complaint"}),
        ({**FIELDS, "affected_data": "Namen, adressen en BSN"}, (), None, {}, {"phishing", "identity", "complaint"}),
        (
            {**FIELDS, "affected_data": "Namen, adressen en BSN"},
            (),
            None,
            {"data_categories": ["name", "address"]},
            {"phishing", "complaint"},
        ),
        ({**FIELDS, "nature": "Kopieën van paspoorten gelekt"}, (), None, {}, {"phishing", "identity", "complaint"}),
        ({**FIELDS, "affected_data": "Medische dossiers"}, (), None, {}, {"phishing", "health", "complaint"}),
        ({**FIELDS, "affected_data": "Röntgenfoto's"}, (), None, {}, {"phishing", "images", "complaint"}),
        (
            {**FIELDS, "affected_data": "Röntgenfoto's"},
            (),
            None,
            {"data_categories": ["other"]},
            {"phishing", "complaint"},
        ),
        (
            {**FIELDS, "affected_data": "BSN, IBAN en wachtwoorden"},
            (),
            "other",
            {},
            {"phishing", "password", "bank", "identity", "complaint"},
        ),
    ],
)
def test_advice_follows_the_kinds_of_data(language, fields, data_types, kind, scope, expected):
    for variant in VARIANTS:
        letter = compose_letter(facts(fields, data_types, kind, scope=scope), variant, language)
        assert advice_given(letter, language) == expected, variant


def test_the_description_is_only_a_fallback_for_images():
    assert "images" in advice_given(
        compose_letter(facts(description="Foto's van gebitten gelekt"), "letter", "nl"), "nl"
    )
    scoped = facts(description="Foto's van gebitten gelekt", scope={"data_categories": ["name"]})
    assert "images" not in advice_given(compose_letter(scoped, "letter", "nl"), "nl")


def test_a_database_is_not_a_bank():
    letter = compose_letter(facts({**FIELDS, "affected_data": "Namen uit de klantendatabank"}), "letter", "nl")
    assert "bank" not in advice_given(letter, "nl")


@pytest.mark.parametrize(
    "language, salutation, title",
    [
        ("nl", "Geachte heer/mevrouw [naam],", "Mededeling over een datalek bij Huisartsenpraktijk De Linde"),
        ("en", "Dear Sir or Madam,", "Notice of a data breach at Huisartsenpraktijk De Linde"),
    ],
)
def test_formal_salutation_and_a_public_notice_without_one(language, salutation, title):
    public = compose_letter(facts(), "public", language)
    assert public.subject == title
    assert public.body.startswith(title + "\n\n")
    assert salutation not in public.body
    assert "[naam]" not in public.body and "[name]" not in public.body
    for variant in ("letter", "email"):
        personal = compose_letter(facts(), variant, language)
        assert salutation in personal.body
        assert "Beste" not in personal.body and "Dear [name]" not in personal.body
        assert personal.subject != title


@pytest.mark.parametrize(
    "language, line",
    [("nl", "Wij bieden u onze excuses aan voor dit datalek."), ("en", "We apologise for this data breach.")],
)
@pytest.mark.parametrize("variant", VARIANTS)
def test_apology_only_when_asked(variant, language, line):
    assert line not in compose_letter(facts(), variant, language).body
    assert "excuses" not in compose_letter(facts(), variant, language).body.lower()
    asked = compose_letter(facts(), variant, language, apology=True)
    assert asked.body.count(line) == 1
    if variant != "public":
        assert asked.body.index(line) < asked.body.index(
            "Met vriendelijke groet" if language == "nl" else "Yours faithfully"
        )


def test_letter_and_email_subjects_and_layout():
    letter = compose_letter(facts(), "letter", "nl")
    email = compose_letter(facts(), "email", "nl")
    assert letter.subject == email.subject == "Uw persoonsgegevens zijn betrokken bij een datalek"
    assert letter.body.startswith(
        "Huisartsenpraktijk De Linde\n[adres]\n\n[naam]\n[adres]\n\n[datum]\n\n"
        "Uw persoonsgegevens zijn betrokken bij een datalek\n\n"
        "Geachte heer/mevrouw [naam],"
    )
    assert email.body.startswith("Geachte heer/mevrouw [naam],")
    assert email.body.endswith("Met vriendelijke groet,\n\nHuisartsenpraktijk De Linde")
    english = compose_letter(facts(), "letter", "en")
    assert english.subject == "Your personal data were involved in a data breach"
    assert english.body.startswith("Huisartsenpraktijk De Linde\n[address]\n\n[name]\n[address]\n\n[date]")
    assert english.body.endswith("Yours faithfully,\n\nHuisartsenpraktijk De Linde")
    with_address = compose_letter(facts(controller_address="Lindelaan 1\n1234 AB Zorgdorp"), "letter", "nl")
    assert with_address.body.startswith("Huisartsenpraktijk De Linde\nLindelaan 1\n1234 AB Zorgdorp\n\n[naam]")


def test_contact_is_the_controllers():
    assert (
        contact_text("Bel 0800-1234 of mail vragen@delinde.example", "J. Jansen", "fg@delinde.example")
        == "Bel 0800-1234 of mail vragen@delinde.example"
    )
    assert (
        contact_text("  ", "J. Jansen", "fg@delinde.example", "020-1234567")
        == "J. Jansen, fg@delinde.example, 020-1234567"
    )
    assert contact_text("", "", "fg@delinde.example") == "fg@delinde.example"
    several = compose_letter(facts(contact="Privacyteam\nvragen@delinde.example"), "email", "nl")
    assert "Heeft u vragen? Neem dan contact met ons op:\nPrivacyteam\nvragen@delinde.example" in several.body
    # the processor's contact point (fields.contact_point) is not the data subjects' contact
    letter = compose_letter(facts({**FIELDS, "contact_point": "privacy@verwerker.example"}), "letter", "nl")
    assert "privacy@verwerker.example" not in letter.body and CONTACT in letter.body


@pytest.mark.parametrize(
    "language, text",
    [
        (
            "nl",
            "Let op: volgens Verwerkersovereenkomst, Art. 5.6 mag de verwerker de betrokkenen niet zelf over deze "
            "inbreuk informeren; de verwerkingsverantwoordelijke beslist en informeert hen. De bepaling luidt: "
            "“Het is Verwerker niet toegestaan …”",
        ),
        (
            "en",
            "Note: under Verwerkersovereenkomst, Art. 5.6, the processor may not inform the data subjects about this "
            "breach itself; the controller decides and informs them. The clause reads: “Het is Verwerker niet "
            "toegestaan …”",
        ),
    ],
)
def test_guard_text_in_the_pages_language(language, text):
    assert guard_text("Verwerkersovereenkomst", "Art. 5.6", " Het is Verwerker niet toegestaan … ", language) == text
    assert (
        guard_text("Verwerkersovereenkomst", "Art. 5.6", "", language)
        == text.split(" De bepaling")[0].split(" The clause")[0]
    )


@pytest.mark.parametrize("variant", ["sms", "", "Letter", None])
def test_unknown_variant_raises(variant):
    with pytest.raises(ValueError, match="variant must be one of letter, email, public"):
        compose_letter(facts(), variant, "nl")


def test_other_language_falls_back_to_dutch():
    assert compose_letter(facts(), "email", "de").language == "nl"


# --- web page -------------------------------------------------------------------------------------------------


@pytest.fixture
def subjects(api, make_controller, make_contract):
    """A confirmed incident for a controller on ``profile``; the processor notified the controller later."""

    def build(profile="boz-72h", fields=FIELDS, language="nl", notify=True, details=None, **controller_values):
        now = utcnow().replace(microsecond=0)
        controller = make_controller(name="Huisartsenpraktijk De Linde", language=language, **controller_values)
        contract = make_contract(profile, controller, reference="VO-LINDE-1")
        bystander = make_controller(name="Buiten Schot")
        make_contract("boz-72h", bystander, reference="VO-BUITEN-1")
        created = api.post(
            "/api/v1/incidents",
            json={
                "title": "Bestand verkeerd gemaild",
                "aware_at": iso(now - timedelta(days=3)),
                "status": "confirmed",
                "contract_ids": [contract.id],
                "fields": dict(fields),
                **({"details": details} if details else {}),
            },
        )
        assert created.status_code == 201, created.get_json()
        iid = created.get_json()["id"]
        notified = now - timedelta(days=1)
        if notify:
            filed = api.post(
                f"/api/v1/incidents/{iid}/filings",
                json={"kind": "controller_notice", "contract_id": contract.id, "at": iso(notified)},
            )
            assert filed.status_code == 201
        return iid, controller, bystander, notified, f"/incidents/{iid}/subjects-letter/{controller.id}"

    return build


def test_page_shows_three_variants_with_copy_buttons(logged_in, subjects, page_of):
    iid, controller, _, notified, url = subjects()
    page = page_of(logged_in.get(url))
    buttons = {b["data-copy"] for b in page.with_class("copy", "button")}
    for variant in VARIANTS:
        section = page.by_id(f"variant-{variant}")
        assert section is not None and section["data-key"] == variant
        text = page.text(f"text-{variant}")
        assert f"text-{variant}" in buttons
        assert page.by_id(f"text-{variant}")["lang"] == "nl"
        for value in (*FIELDS.values(), controller.contact_email):
            assert value in text, (variant, value)
        # the controller learnt of the breach from the processor's notice: that is the date in the letter
        assert f"Op {to_local(notified).strftime('%d-%m-%Y')} hoorden wij van onze leverancier {PROCESSOR} dat" in text
        assert "ontdekten" not in text
    assert "subject-email" in buttons
    assert page.text("subject-email") == "Uw persoonsgegevens zijn betrokken bij een datalek"
    assert page.text("text-public").startswith("Mededeling over een datalek bij Huisartsenpraktijk De Linde")
    assert "[naam]" not in page.text("text-public")
    assert not page.with_class("missing")


def test_page_texts_equal_the_composed_letters(logged_in, subjects, page_of):
    known = {"nature": "Inbraak", "affected_data": "Namen en BSN"}
    iid, controller, _, notified, url = subjects(fields=known)
    page = page_of(logged_in.get(url))
    composed = LetterFacts(
        "Huisartsenpraktijk De Linde", notified, known, processor_name=PROCESSOR, contact=controller.contact_email
    )
    for variant in VARIANTS:
        assert page.text(f"text-{variant}") == compose_letter(composed, variant, "nl").body
    missing = page.with_class("missing", "p")
    assert len(missing) == 3  # one line per variant naming the fields still to fill in


def test_page_in_english(logged_in, subjects, page_of):
    _, _, _, _, url = subjects()
    page = page_of(logged_in.get(url + "?letter_lang=en"))
    assert page.text("text-letter").count("Dear Sir or Madam,") == 1
    assert "What happened?" in page.text("text-email") and "Wat is er gebeurd?" not in page.text("text-email")
    assert page.text("text-public").startswith("Notice of a data breach at Huisartsenpraktijk De Linde")
    assert {page.by_id(f"text-{v}")["lang"] for v in VARIANTS} == {"en"}
    assert page.text("subject-email") == "Your personal data were involved in a data breach"


def test_page_defaults_to_the_controllers_language(logged_in, subjects, page_of):
    _, _, _, _, url = subjects(language="en")
    page = page_of(logged_in.get(url))
    assert page.text("text-email").startswith("Dear Sir or Madam,")
    assert page_of(logged_in.get(url + "?letter_lang=nl")).text("text-email").startswith("Geachte heer/mevrouw [naam],")


def test_page_refuses_unknown_language_and_unaffected_controller(logged_in, subjects):
    iid, _, bystander, _, url = subjects()
    assert logged_in.get(url + "?letter_lang=xx").status_code == 400
    assert logged_in.get(url + "?letter_lang=EN").status_code == 400
    assert logged_in.get(f"/incidents/{iid}/subjects-letter/{bystander.id}").status_code == 404
    assert logged_in.get(f"/incidents/{iid}/subjects-letter/999999").status_code == 404
    assert logged_in.get(f"/incidents/999999/subjects-letter/{bystander.id}").status_code == 404


def test_page_needs_a_login(app, subjects):
    _, _, _, _, url = subjects()
    response = app.test_client().get(url)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_guard_for_a_contract_that_forbids_informing_data_subjects(logged_in, subjects, page_of):
    _, _, _, _, url = subjects("boz-72h")
    page = page_of(logged_in.get(url))
    guards = [" ".join(g.split()) for g in page.texts_in_class("guard")]
    assert len(guards) == 1
    guard = guards[0]
    assert guard.startswith(
        "Let op: volgens Zivver Licentievoorwaarden, Bijlage 1: Verwerkersovereenkomst "
        "(BOZ-model), Art. 5.6 mag de verwerker de betrokkenen niet zelf over deze inbreuk "
        "informeren; de verwerkingsverantwoordelijke beslist en informeert hen."
    )
    assert (
        "De bepaling luidt: “Het is Verwerker niet toegestaan informatie te verstrekken over Inbreuken aan "
        "Betrokkenen" in guard
    )
    for english in ENGLISH_GUARD:
        assert english not in guard


def test_guard_in_english_follows_the_interface_language(logged_in, subjects, page_of):
    _, _, _, _, url = subjects("boz-72h")
    page = page_of(logged_in.get(url + "?lang=en"))
    guards = [" ".join(g.split()) for g in page.texts_in_class("guard")]
    assert len(guards) == 1
    assert guards[0].startswith(
        "Note: under Zivver Licentievoorwaarden, Bijlage 1: Verwerkersovereenkomst "
        "(BOZ-model), Art. 5.6, the processor may not inform the data subjects about this "
        "breach itself; the controller decides and informs them. The clause reads: “Het is "
        "Verwerker niet toegestaan"
    )


def test_no_guard_where_the_processor_may_inform(logged_in, subjects, page_of):
    _, _, _, _, url = subjects("citodent")
    page = page_of(logged_in.get(url))
    assert page.texts_in_class("guard") == []


def decide(api, iid, controller, ground):
    body = {"controller_id": controller.id, "decision_maker": MAKER, "notify_ap": "yes", "reason": "Hoog risico"}
    body.update(
        {"inform_data_subjects": "no", "data_subjects_ground": ground} if ground else {"inform_data_subjects": "yes"}
    )
    response = api.post(f"/api/v1/incidents/{iid}/decisions", json=body)
    assert response.status_code == 201, response.get_json()


def public_highlighted(page) -> bool:
    return "highlight" in page.by_id("variant-public")["class"].split()


def test_public_notice_highlighted_for_disproportionate_effort(api, logged_in, subjects, page_of):
    iid, controller, _, _, url = subjects()
    assert not public_highlighted(page_of(logged_in.get(url)))
    decide(api, iid, controller, "unintelligible")
    assert not public_highlighted(page_of(logged_in.get(url)))
    decide(api, iid, controller, "disproportionate_effort")
    page = page_of(logged_in.get(url))
    assert public_highlighted(page)
    assert not any("highlight" in page.by_id(f"variant-{v}")["class"].split() for v in ("letter", "email"))
    assert "art. 34 lid 3 sub c" in html.unescape(page.text("subjects-decision"))
    # only the latest decision counts
    decide(api, iid, controller, None)
    assert not public_highlighted(page_of(logged_in.get(url)))


def test_financial_severity_adds_the_bank_advice(logged_in, subjects, page_of):
    iid, _, _, _, url = subjects()
    assert ADVICE["nl"]["bank"] not in page_of(logged_in.get(url)).text("text-letter")
    record_severity(db.session.get(Incident, iid), {"data_types": ["financial"], "identification": "limited"})
    db.session.commit()
    assert ADVICE["nl"]["bank"] in page_of(logged_in.get(url)).text("text-letter")


def test_dutch_page_has_no_english_interface_text(api, logged_in, subjects):
    iid, controller, _, _, url = subjects(fields={"nature": "Inbraak"})
    decide(api, iid, controller, "disproportionate_effort")
    text = logged_in.get(url).get_data(as_text=True)
    for english in (
        "Copy text",
        "Language of the drafts",
        "Latest decision on informing data subjects",
        "Still to fill in:",
        "Public notice (disproportionate effort",
        "Include an apology",
        "Update the drafts",
        "legal adviser",
        "Date the controller was informed",
        "Contact for data subjects",
        *ENGLISH_GUARD,
    ):
        assert english not in text, english
    assert "Engels" in text and "Excuses opnemen" in text and "Let op: volgens" in text


def test_apology_is_a_choice_on_the_page(logged_in, subjects, page_of):
    _, _, _, _, url = subjects()
    line = "Wij bieden u onze excuses aan voor dit datalek."
    response = logged_in.get(url)
    page = page_of(response)
    assert "checked" not in page.by_id("apology")
    assert page.by_id("apology")["name"] == "apology" and page.by_id("apology")["type"] == "checkbox"
    assert page.by_id("apology-form")["method"] == "get"
    assert not any(line in page.text(f"text-{v}") for v in VARIANTS)
    body = response.get_data(as_text=True)
    assert "<script>" not in body and " style=" not in body and " onclick=" not in body  # strict CSP
    asked = page_of(logged_in.get(url + "?apology=1"))
    assert "checked" in asked.by_id("apology")
    for variant in VARIANTS:
        assert asked.text(f"text-{variant}").count(line) == 1
    english = page_of(logged_in.get(url + "?apology=1&letter_lang=en"))
    assert "We apologise for this data breach." in english.text("text-letter")
    assert logged_in.get(url + "?apology=yes").status_code == 400


def test_language_links_keep_the_apology(logged_in, subjects):
    _, _, _, _, url = subjects()
    body = logged_in.get(url + "?apology=1").get_data(as_text=True)
    assert "letter_lang=en&amp;apology=1" in body and "letter_lang=nl&amp;apology=1" in body
    assert "apology=1" not in logged_in.get(url).get_data(as_text=True)


def test_the_controllers_contact_for_data_subjects_never_the_processors(logged_in, subjects, page_of):
    fields = {**FIELDS, "contact_point": "privacy@verwerker.example"}
    _, controller, _, _, url = subjects(
        fields=fields,
        subjects_contact="Bel 0800-1234 of mail vragen@delinde.example",
        address="Lindelaan 1, 1234 AB Zorgdorp",
    )
    page = page_of(logged_in.get(url))
    for variant in VARIANTS:
        text = page.text(f"text-{variant}")
        assert "Bel 0800-1234 of mail vragen@delinde.example" in text
        assert "privacy@verwerker.example" not in text and controller.contact_email not in text
    assert page.text("text-letter").startswith("Huisartsenpraktijk De Linde\nLindelaan 1, 1234 AB Zorgdorp\n")


def test_not_yet_informed_controller_gets_a_placeholder_date(logged_in, subjects, page_of):
    started = utcnow().replace(microsecond=0) - timedelta(days=5)
    _, _, _, _, url = subjects(notify=False, details={"started_at": iso(started)})
    page = page_of(logged_in.get(url))
    text = page.text("text-letter")
    assert "Op [NOG INVULLEN: datum waarop de leverancier ons informeerde] hoorden wij" in text
    assert f"Het datalek begon op {to_local(started).strftime('%d-%m-%Y')}." in text
    # the processor's own date of awareness is not passed off as the controller's
    aware = to_local(utcnow() - timedelta(days=3)).strftime("%d-%m-%Y")
    assert f"Op {aware} hoorden" not in text
    assert "Datum waarop de verwerker de verwerkingsverantwoordelijke informeerde" in page.texts_in_class("missing")[0]


def test_two_controllers_each_see_only_their_own_scope(api, logged_in, make_controller, make_contract, page_of):
    now = utcnow().replace(microsecond=0)
    linde = make_controller(name="Huisartsenpraktijk De Linde", subjects_contact="vragen@delinde.example")
    anker = make_controller(name="Tandartspraktijk Het Anker", subjects_contact="privacy@hetanker.example")
    contracts = [
        make_contract("boz-72h", linde, reference="VO-LINDE-2"),
        make_contract("doctolib", anker, reference="VO-ANKER-2"),
    ]
    created = api.post(
        "/api/v1/incidents",
        json={
            "title": "Inbraak bij de hostingpartij",
            "aware_at": iso(now - timedelta(days=2)),
            "status": "confirmed",
            "contract_ids": [c.id for c in contracts],
            "details": {"incident_kind": "hacking_malware_phishing"},
            "fields": {k: v for k, v in FIELDS.items() if k != "affected_data"},
        },
    )
    assert created.status_code == 201, created.get_json()
    iid = created.get_json()["id"]
    for contract in contracts:
        assert (
            api.post(
                f"/api/v1/incidents/{iid}/filings",
                json={"kind": "controller_notice", "contract_id": contract.id, "at": iso(now - timedelta(days=1))},
            ).status_code
            == 201
        )
    scopes = {
        linde.id: {
            "subjects_min": 1200,
            "subjects_max": 1500,
            "data_categories": ["name", "bsn"],
            "special_categories": ["health"],
            "note": "NOTE-LINDE: alleen de huisartsdossiers",
        },
        anker.id: {
            "subjects_min": 80,
            "subjects_max": 80,
            "data_categories": ["name", "login", "other"],
            "note": "NOTE-ANKER: röntgenfoto's van 80 patiënten",
        },
    }
    for controller_id, scope in scopes.items():
        response = api.client.put(
            f"/api/v1/incidents/{iid}/controllers/{controller_id}/scope", json=scope, headers=api.headers
        )
        assert response.status_code == 200, response.get_json()

    def page(controller):
        return page_of(logged_in.get(f"/incidents/{iid}/subjects-letter/{controller.id}"))

    mine = page(linde)
    letters = " ".join(mine.text(f"text-{v}") for v in VARIANTS)
    assert "NOTE-LINDE" in mine.text("scope-note") and "NOTE-ANKER" not in str(mine.elements)
    assert "- Burgerservicenummer (BSN)" in letters and "- Gezondheidsgegevens" in letters
    assert "Inloggegevens" not in letters and "Andere gegevens" not in letters
    assert {ADVICE["nl"]["identity"], ADVICE["nl"]["health"]} <= {t for t in ADVICE["nl"].values() if t in letters}
    assert ADVICE["nl"]["password"] not in letters and ADVICE["nl"]["images"] not in letters
    assert "vragen@delinde.example" in letters and "privacy@hetanker.example" not in letters
    assert "NOTE-LINDE" not in letters  # the note is for the controller, not for its data subjects
    assert not mine.with_class("missing")

    theirs = page(anker)
    letters = " ".join(theirs.text(f"text-{v}") for v in VARIANTS)
    assert "NOTE-ANKER" in theirs.text("scope-note") and "NOTE-LINDE" not in str(theirs.elements)
    assert "- Inloggegevens" in letters and "Burgerservicenummer" not in letters
    assert "Gezondheidsgegevens" not in letters
    assert ADVICE["nl"]["password"] in letters and ADVICE["nl"]["images"] in letters
    assert ADVICE["nl"]["identity"] not in letters and ADVICE["nl"]["health"] not in letters
    assert "privacy@hetanker.example" in letters and "vragen@delinde.example" not in letters
    assert not theirs.with_class("missing")


def test_the_letter_dates_the_controllers_first_notice_not_a_clock_or_a_confirmation(app, make_contract):
    """The controller "heard from its supplier" when the processor's first notice reached it: not when the
    breach was confirmed, and not at all while no notice was sent (also where the processor files with the AP)."""
    from incidents.breaches import service
    from incidents.drafts.gather import letter_facts

    contract = make_contract("citodent")
    now = utcnow().replace(microsecond=0)
    incident = service.create_incident(
        title="Beeldopslag", aware_at=now - timedelta(days=3), status="suspected", contract_ids=[contract.id]
    )
    db.session.commit()
    assert letter_facts(incident, contract.controller).informed_at is None
    told = now - timedelta(days=2)
    service.record_filing(incident, FilingInput(kind="controller_notice", contract_id=contract.id, at=told))
    service.confirm(incident, now - timedelta(days=1))
    db.session.commit()
    assert letter_facts(incident, contract.controller).informed_at == told


def test_each_letter_downloads_as_a_text_file_in_its_language(logged_in, subjects, page_of):
    iid, controller, bystander, _notified, url = subjects()
    page = page_of(logged_in.get(url + "?letter_lang=en&apology=1"))
    link = page.by_id("download-email")["href"]
    assert link == f"{url}/email.txt?letter_lang=en&apology=1"
    response = logged_in.get(link)
    assert response.status_code == 200 and response.mimetype == "text/plain"
    reference = db.session.get(Incident, iid).reference
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="{reference}-e-mail-data-subjects-Huisartsenpraktijk-De-Linde.txt"'
    )
    text = response.get_data().decode("utf-8")
    shown = page.text("subject-email") + "\r\n\r\n" + page.text("text-email").replace("\n", "\r\n")
    assert text.strip() == shown.strip()  # the same letter as on the page, Windows line ends for a word processor
    dutch = logged_in.get(f"{url}/letter.txt")
    assert "-brief-betrokkenen-" in dutch.headers["Content-Disposition"]
    assert logged_in.get(f"{url}/nonsense.txt").status_code == 404
    assert logged_in.get(f"/incidents/{iid}/subjects-letter/{bystander.id}/letter.txt").status_code == 404
