"""Issue 12: detection on pages nobody tuned for. One test (or table) per class of miss or
false flag, each on a page written for this file. Numbers are fictional (555 exchanges) or the
allowlist's own verified lines."""

from __future__ import annotations

import phonenumbers
import pytest
from detecthelp import numbers, text

import allowlist
from crawler.checks.evaluate import PageResult, dialable_number, kind_table, summarize_by_kind
from detector import language, owners
from detector.domains import is_hosted, url_number_text


@pytest.fixture(scope="module")
def al() -> allowlist.Allowlist:
    return allowlist.load()


# -- 1-5: brands --------------------------------------------------------------------------------

def test_alias_spelled_like_another_alias_is_matched(al: allowlist.Allowlist) -> None:
    # "Delta Airlines" has the letters of "Delta Air Lines": both spellings must be searchable.
    report = text("Delta Airlines refunds\nDelta Airlines: call 1-833-555-0142 for refunds.", al)
    assert report.brands == ["Delta Air Lines"]


@pytest.mark.parametrize(("page", "brands"), [
    pytest.param("Call Southwest at 831-555-0142 to change your flight or fare.",
                 ["Southwest Airlines"], id="airline-words-around"),
    pytest.param("Southwest Florida weather: sunny all weekend, highs near 90. "
                 "Call 831-555-0142 for the forecast line.", [], id="no-trade-words"),
])
def test_common_word_alias_counts_in_its_sector(page: str, brands: list[str],
                                                al: allowlist.Allowlist) -> None:
    assert text(page, al).brands == brands


@pytest.mark.parametrize("page", [
    "Delta Faucet offers a lifetime warranty on every faucet. Call 1-800-555-0199 for parts.",
    "United Van Lines moves families across the country; call 1-800-555-0199 for a quote.",
    "Frontier Communications internet outage? Call 1-800-555-0199 for help.",
    "Spectrum Traffic designs signals for city roads; call 1-800-555-0199 for a bid.",
])
def test_another_organisation_with_the_same_name(page: str, al: allowlist.Allowlist) -> None:
    report = text(page, al)
    assert report.brands == []
    assert report.verdict == "clean"


def test_brand_named_once_beside_a_support_number(al: allowlist.Allowlist) -> None:
    page = ("Lots of shoppers ask us how to dispute a payment.\n"
            "PayPal customer care toll free helpline: call 1-888-555-1000 any time.\n"
            "We hope this helps.")
    report = text(page, al)
    assert report.brands == ["PayPal"]
    assert report.numbers[0].brand == "PayPal"


@pytest.mark.parametrize(("host", "brand"), [
    ("hpprintersupport.example", "HP"),
    ("rokuhelpdesk.example", "Roku"),
    ("delta-flight-change.example", "Delta Air Lines"),
    ("delta.travel-desk.com", "Delta Air Lines"),
])
def test_brand_in_a_lookalike_host(host: str, brand: str, al: allowlist.Allowlist) -> None:
    report = text("Talk With Experts USA : +1-844-555-0101\nWe fix it fast.", al,
                  url=f"https://{host}/")
    assert report.brands == [brand]
    assert report.verdict == "flagged"
    assert "brand_in_foreign_domain" in report.reason_codes()


@pytest.mark.parametrize("host", ["deltafaucet.example", "unitedvanlines.example",
                                  "frontier.example", "spectrumtraffic.example"])
def test_other_organisations_sites_are_not_lookalikes(host: str,
                                                      al: allowlist.Allowlist) -> None:
    report = text("Welcome. Call 1-844-555-0101 for a quote.", al, url=f"https://{host}/")
    assert "brand_in_foreign_domain" not in report.reason_codes()


# -- 6-11: numbers -----------------------------------------------------------------------------

@pytest.mark.parametrize(("printed", "e164"), [
    ("Tel No. 1-877-555-0142", "+18775550142"),
    ("Phone No.: 1-877-555-0142", "+18775550142"),
    ("Helpline No. 1-877-555-0142", "+18775550142"),
    ("Contact No. 1-877-555-0142", "+18775550142"),
    ("Call (800) 555-\n0142 today", "+18005550142"),
    ("Call 1\u2011800\u2011555\u20110142", "+18005550142"),
    ("Call 1\u2013800\u2013555\u20130142", "+18005550142"),
    ("Call 1\u2212800\u2212555\u22120142", "+18005550142"),
    ("Call 1-800-Microsoft (642-7676)", "+18006427676"),
    ("Call 1-888-555-DATA (3282)", "+18885553282"),
    ("Call 1-800-OK Canon", "+18006522666"),
    ("Call 1-800-GEEK SQUAD today", "+18004335778"),
    ("Call {{<833>}} {{<555>}} {{<0142>}}", "+18335550142"),
    ("Call +!+833@+!+555+!+0142@+!+", "+18335550142"),
    ("Call 001-800-MY-BRAND", "+18006927263"),
    ("Call 00 1 800 555 0142", "+18005550142"),
    ("Australia: 1-800-555-269", "+611800555269"),
    ("Madrid office ( 34) 91 321 10 00", "+34913211000"),
])
def test_number_shapes(printed: str, e164: str, al: allowlist.Allowlist) -> None:
    assert e164 in numbers(text(printed, al))


@pytest.mark.parametrize("printed", [
    "Order No. 1877555014", "SKU#18775550142", "Call 1-800-555 Call now",
    "see 1800-numbers-explained",
])
def test_not_numbers(printed: str, al: allowlist.Allowlist) -> None:
    assert numbers(text(printed, al)) == []


@pytest.mark.parametrize(("page", "e164"), [
    (("ग्राहक सेवा के लिए टोल फ्री नंबर 1800 3000 9009 पर कॉल करें। यह सेवा चौबीसों घंटे "
     "उपलब्ध है और आप हिंदी या अंग्रेजी में बात कर सकते हैं।"), "+91180030009009"),
    (("Per informazioni sul servizio clienti della banca, chiamare il numero verde "
     "800 145 851. Il servizio è gratuito e non sono previsti costi per le chiamate."),
     "+39800145851"),
    (("Para más información sobre los vuelos, llame al 902 404 704. El aeropuerto es el más "
     "grande de la ciudad, con una red de servicios para los pasajeros."), "+34902404704"),
    (("如果您的设备需要维修服务，请拨打客户服务热线 400-555-0188，我们的工作人员会在工作时间内"
      "为您提供帮助和技术支持。"), "+864005550188"),
])
def test_region_from_the_guessed_language(page: str, e164: str,
                                          al: allowlist.Allowlist) -> None:
    assert numbers(text(page, al, url="https://news.example.com/a")) == [e164]


def test_language_guess_never_answers_english() -> None:
    assert language.guess("The flight was late and the crew said that the gate had moved "
                          "and the bags were on the next plane to the city.") is None


def test_url_date_path_is_not_a_number(al: allowlist.Allowlist) -> None:
    report = text("Delta Airlines news", al,
                  url="https://blog.example.com/2025/05/03/5550142/delta-airlines")
    assert numbers(report) == []
    assert "\n" in url_number_text("https://x.example/2025/05/03/")


def test_number_in_a_slug_is_found(al: allowlist.Allowlist) -> None:
    report = text("Netflix billing", al,
                  url="https://x.example.com/netflix-billing-policy-1-877-555-0142-now")
    assert numbers(report) == ["+18775550142"]


# -- 12-15: hard negatives ---------------------------------------------------------------------

def test_warning_with_its_own_hotline_is_not_flagged(al: allowlist.Allowlist) -> None:
    page = ("Scam alert: Amazon robocalls\n"
            "Our office has received reports of robocalls claiming an Amazon charge. Amazon "
            "will not call you about it. Hang up the phone. If you lost money, report it to "
            "our Consumer Assistance Program right away at 800-555-0100.")
    report = text(page, al)
    assert report.verdict == "clean"
    assert report.numbers[0].brand is None


def test_government_site_numbers_are_its_own(al: allowlist.Allowlist) -> None:
    page = ("Amazon impersonators\nIf you paid an Amazon impersonator, call 1-877-555-0123 "
            "to file a complaint about the Amazon scam.")
    assert text(page, al, url="https://ag.state.example.gov/alerts/amazon").verdict == "clean"
    assert owners.institutional_site("oag.ca.gov")


def test_smishing_text_quoted_then_called_an_imposter(al: allowlist.Allowlist) -> None:
    page = ("Last week I got this text about my Chase account and Chase cards:\n"
            "\"Chase alert: card locked. Call support +1 (305) 555-0142.\"\n"
            "It was an imposter, so I called the bank with the number on my card.")
    report = text(page, al)
    assert report.verdict == "clean"
    assert report.numbers[0].warned


def test_unverified_number_alone_is_suspicious(al: allowlist.Allowlist) -> None:
    page = ("Netflix help guide\nNetflix account questions? Netflix members can call "
            "1-888-555-0177 to reach the billing team.")
    assert text(page, al, url="https://guides.example.com/netflix").verdict == "suspicious"


def test_same_number_with_a_trait_is_flagged(al: allowlist.Allowlist) -> None:
    page = ("Netflix help guide\nNetflix account questions? Netflix members can call "
            "1-888-555-0177 to reach the billing team.")
    report = text(page, al, url="https://sites.google.com/view/netflix-help")
    assert report.verdict == "flagged"
    assert "hosted_page" in report.reason_codes()


def test_official_on_the_page_is_not_a_claim_about_the_number(al: allowlist.Allowlist) -> None:
    page = ("Netflix, the official streaming partner of the festival, said subscribers with "
            "billing questions can call 1-888-555-0177, according to the statement.")
    report = text(page, al, url="https://news.example.com/netflix")
    assert "claims_official" not in report.reason_codes()


def test_official_claim_next_to_the_number(al: allowlist.Allowlist) -> None:
    page = "Netflix billing help\nCall the official Netflix helpline 1-888-555-0177 today."
    assert "claims_official" in text(page, al).reason_codes()


def test_hosted_pages() -> None:
    assert is_hosted("https://someone.zohodesk.com/portal/en/kb/articles/x")
    assert is_hosted("https://www.example.org/forum/thread-12")
    assert not is_hosted("https://www.example.org/news/2025/story")
    assert is_hosted("https://flightspolicy.nicepage.io/blog/post")  # a site builder's tenant
    assert is_hosted("https://some-app.netlify.app/")  # free static hosting
    assert is_hosted("https://www.linkedin.com/pulse/how-to-reach-someone")  # members' articles
    assert not is_hosted("https://www.linkedin.com/company/example")
    assert is_hosted("https://club.example.org/events/225/?mode=day")  # a community calendar


# -- eval: the per-kind table ------------------------------------------------------------------

def test_summary_by_kind(al: allowlist.Allowlist) -> None:
    flagged = text("Netflix help\nCall 1⚚888⚚555⚚0177 for Netflix billing.", al)
    clean = text("Nothing here.", al)
    results = [PageResult("a", "flag", flagged, kind="forum-spam"),
               PageResult("b", "flag", clean, kind="forum-spam"),
               PageResult("c", "clean", clean, kind="news")]
    kinds = summarize_by_kind(results)
    assert [(k.kind, k.summary.true_positives, k.summary.false_negatives) for k in kinds] == [
        ("forum-spam", 1, 1), ("news", 0, 0)]
    assert kinds[0].summary.recall == 0.5
    rows = kind_table(kinds)
    assert rows[0].split() == ["kind", "pages", "TP", "FP", "FN", "precision", "recall",
                               "numbers"]
    assert rows[1].split()[:7] == ["forum-spam", "2", "1", "0", "1", "1.000", "0.500"]
    assert rows[2].split()[5:7] == ["-", "-"]


@pytest.mark.parametrize(("domain", "host", "platform"), [
    ("zendesk.com", "acme.zendesk.com", True),
    ("google.com", "sites.google.com", True),  # the domain of a whole-host entry
    ("onecause.com", "p2p.onecause.com", True),
    ("reddit.com", "reddit.com", False),  # the platform's own site
    ("acme-refunds.example", "www.acme-refunds.example", False),
])
def test_one_hosting_list_for_detection_and_exports(domain: str, host: str,
                                                    platform: bool) -> None:
    from detector.domains import is_hosting_platform
    from reports.hosting import is_hosting_platform as for_exports

    assert is_hosting_platform(domain, host) is platform
    assert for_exports is is_hosting_platform
    if platform and domain != "google.com":
        assert is_hosted(f"https://{host}/some-page")


# -- 16-21: a fresh set of unseen pages (issue 12, round 3) -----------------------------------

GUIDE = ("How to reach Netflix billing\n"
         "Netflix support agents answer billing questions by phone. {pitch}Netflix members can "
         "call 1-888-555-0177 about a charge.\n"
         "Good to know\n"
         "Refunds for annual plans are possible within 30 days. {far}")


@pytest.mark.parametrize(("pitch", "far", "verdict"), [
    pytest.param("", "Chat is open 24/7 and most replies come within 24 hours.", "suspicious",
                 id="hours-elsewhere"),
    pytest.param("", "Calls to the toll-free line of your bank are free.", "suspicious",
                 id="toll-free-elsewhere"),
    pytest.param("Need urgent help? ", "", "flagged", id="urgency-before"),
    pytest.param("For immediate assistance, ", "", "flagged", id="immediate-assistance"),
])
def test_weak_traits_count_next_to_the_number(pitch: str, far: str, verdict: str,
                                              al: allowlist.Allowlist) -> None:
    # "24/7" or "toll-free" somewhere on a guide says nothing about the number it gives.
    report = text(GUIDE.format(pitch=pitch, far=far), al,
                  url="https://guides.example.com/netflix-billing")
    assert report.verdict == verdict


def test_toll_free_in_the_next_sentence_counts(al: allowlist.Allowlist) -> None:
    page = ("Netflix billing help\nCall Netflix billing at 1-888-555-0177 about a charge. "
            "The line is toll-free from anywhere in the US.")
    report = text(page, al, url="https://guides.example.com/netflix-billing")
    assert "toll_free_claim" in report.reason_codes()


@pytest.mark.parametrize(("page", "verdict"), [
    pytest.param("+1-833-555-0142 Qatar Airways Cancellation\nPosted by\nQatar Airways lets "
                 "you cancel a refundable ticket for a full refund.", "flagged",
                 id="number-in-the-headline"),
    pytest.param("Qatar Airways Cancellation\nPosted by\nQatar Airways lets you cancel a "
                 "refundable ticket. Questions? Call +1-833-555-0142.", "suspicious",
                 id="number-in-the-text"),
    pytest.param("Qatar Airways lets you cancel a refundable ticket for a full refund, and the "
                 "refund reaches your card within seven to ten business days, +1-833-555-0142 "
                 "says.\nQatar Airways cancellation", "suspicious",
                 id="first-paragraph-is-no-headline"),
])
def test_number_in_the_headline(page: str, verdict: str, al: allowlist.Allowlist) -> None:
    report = text(page, al, url="https://blog.example.com/?p=1")
    assert report.verdict == verdict
    assert ("number_in_title" in report.reason_codes()) is (verdict == "flagged")


CHASE_COPY = ("Chase card services\n"
              "If you see an unauthorized charge, let us know right away by calling us.\n"
              "1-800-935-9935\nMonday-Friday: 8 AM-midnight ET\nFax: 1-614-555-0142\n"
              "Credit cards: 1-800-555-0143\nFax: 1-614-555-0142\n"
              "Business cards: 1-800-955-9060\nFax No. 1-614-555-0142\n"
              "Chase Credit Journey is free.")


def test_a_fax_line_is_no_line_to_call(al: allowlist.Allowlist) -> None:
    # A copy of a bank's fraud page: its fax line, repeated, is not a repeated support line.
    report = text(CHASE_COPY, al, url="https://copies.example.com/392957.html")
    assert report.verdict != "flagged"
    fax = next(n for n in report.numbers if n.e164 == "+16145550142")
    assert not fax.advertised


def test_a_repeated_call_line_still_counts(al: allowlist.Allowlist) -> None:
    report = text(CHASE_COPY.replace("Fax", "Call"), al,
                  url="https://copies.example.com/392957.html")
    assert report.verdict == "flagged"
    assert "number_repeated" in report.reason_codes()


@pytest.mark.parametrize(("printed", "e164"), [
    ("1-888-NORTON-4", "+18886678664"),
    ("1-888-NORTON-4 (1-888-667-8664)", "+18886678664"),
])
def test_a_vanity_number_spelling_the_brand_is_its_own_line(printed: str, e164: str,
                                                            al: allowlist.Allowlist) -> None:
    page = f"Norton renewals\nTo cancel a Norton plan, call {printed} and follow the prompts."
    report = text(page, al, url="https://sites.google.com/view/norton-renewal-notes")
    # Not flagged, but a line the allowlist lacks: left for a person to verify and add.
    assert report.verdict == "suspicious"
    assert "brand_vanity_number" in report.reason_codes()
    assert e164 in numbers(report)


@pytest.mark.parametrize("printed", [
    pytest.param("1-800-NORTON (555-0142)", id="bracket-dials-other-digits"),
    pytest.param("1-888-HELP-DESK", id="letters-spell-no-brand"),
])
def test_other_vanity_numbers_are_not_the_brands(printed: str,
                                                 al: allowlist.Allowlist) -> None:
    page = f"Norton renewals\nTo cancel a Norton plan, call {printed} and follow the prompts."
    report = text(page, al, url="https://sites.google.com/view/norton-renewal-notes")
    assert report.verdict == "flagged"
    assert "brand_vanity_number" not in report.reason_codes()


SCAM_EMAIL = ("Scam Squad: fake antivirus renewals\n"
              "Scammers are sending emails that claim a Norton plan was renewed. Here is one:\n"
              "Dear member, your Norton protection has been renewed for $244.00. To claim a "
              "refund, contact our billing department. You can reach us on "
              "+1 - (888) - (555) - (0142)\n"
              "Regards, Billing Department\n"
              "First, don't panic!\n{warning}\n"
              "Report the email to the FTC.")


@pytest.mark.parametrize(("warning", "verdict"), [
    pytest.param("Do not call any numbers listed in the email.", "clean", id="warned"),
    pytest.param("Our team answers within a day.", "flagged", id="no-warning"),
])
def test_a_quoted_message_then_do_not_call_its_numbers(warning: str, verdict: str,
                                                      al: allowlist.Allowlist) -> None:
    report = text(SCAM_EMAIL.format(warning=warning), al,
                  url="https://news.example.com/scam-squad")
    assert report.verdict == verdict
    assert report.numbers[0].warned is (verdict == "clean")


def test_hours_glued_to_a_number_are_not_its_digits(al: allowlist.Allowlist) -> None:
    # Table cells glued together: "+31 20 555 0142" then "24/7".
    report = text("KLM contact\nKLM international+31 20 555 014224/7Worldwide", al)
    assert report.numbers[0].e164 == "+31205550142"
    assert report.numbers[0].valid


@pytest.mark.parametrize(("label", "e164"), [
    pytest.param("1-800-GEEK SQUAD", "+18004335778", id="letters-beyond-seven"),
    pytest.param("1-888-Norton-55 (667-8665)", "+18886678665", id="bracket-repeats-letters"),
    pytest.param("1-888-555-DATA", "+18885553282", id="plain-vanity"),
    pytest.param("1-888-XXX-XXXX", None, id="masked"),
    pytest.param("+1 (888) 497-####", None, id="masked-with-hashes"),
    pytest.param("+44 20 7946 0958", "+442079460958", id="not-vanity"),
    pytest.param("+\U0001d7cf (\U0001d7d6\U0001d7d6\U0001d7d6) 555 0142", "+18885550142",
                 id="mathematical-bold-digits"),
])
def test_eval_reads_vanity_labels_as_dialled(label: str, e164: str | None) -> None:
    # A labelled vanity number stands for the digits a caller dials: letters past the seventh
    # only finish the word (a bracket repeating them in digits changes nothing).
    parsed = dialable_number(label, "US")
    assert (parsed and phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
            ) == e164


# -- a foreign number in national form on a page that names its country ------------------------

@pytest.mark.parametrize(("page", "url", "e164"), [
    pytest.param("So erreichen Sie PayPal aus Spanien: rufen Sie 900 555 014 an (kostenlos).",
                 "https://hilfe.example.de/paypal", "+34900555014", id="german-page-names-spain"),
    pytest.param("Centro de atención de United en Seúl, Corea del Sur.\nTeléfono:\n02-555-0142 (coreano)",
                 "https://ayuda.example.es/united", "+8225550142", id="spanish-page-names-korea"),
])
def test_a_run_no_page_region_reads_is_read_in_a_country_the_page_names(
        page: str, url: str, e164: str, al: allowlist.Allowlist) -> None:
    assert e164 in numbers(text(page, al, url))


def test_a_run_is_not_read_abroad_when_the_page_names_no_country(
        al: allowlist.Allowlist) -> None:
    report = text("So erreichen Sie PayPal: rufen Sie 900 555 014 an (kostenlos).", al,
                  "https://hilfe.example.de/paypal")
    assert "+34900555014" not in numbers(report)


def test_a_named_country_does_not_override_the_page_regions_reading(
        al: allowlist.Allowlist) -> None:
    # Valid at home: the named country is only a fallback for runs nobody reads.
    report = text("Der Kundendienst (auch für Kunden in Spanien) ist unter 0221 555 0142 "
                  "erreichbar.", al, "https://hilfe.example.de/kontakt")
    assert numbers(report) == ["+492215550142"]


# -- support pitches in the other languages pages are judged in ----------------------------------

@pytest.mark.parametrize("page", [
    pytest.param("Cancelar Norton\nPara cancelar, llame al servicio al cliente de Norton al "
                 "1-888-555-0142.", id="es"),
    pytest.param("Annuler Norton\nPour annuler votre abonnement, appelez le service client Norton "
                 "au 1-888-555-0142.", id="fr"),
    pytest.param("Norton kündigen\nUm Ihr Abo zu kündigen, rufen Sie den Norton Kundendienst unter "
                 "1-888-555-0142 an.", id="de"),
    pytest.param("Disdire Norton\nPer disdire l'abbonamento chiama l'assistenza clienti Norton al "
                 "numero 1-888-555-0142.", id="it"),
    pytest.param("Cancelar Norton\nPara cancelar sua assinatura, ligue para o atendimento ao "
                 "cliente Norton: +1-888-555-0142.", id="pt"),
    pytest.param("Norton opzeggen\nBel de klantenservice van Norton op 1-888-555-0142 om uw "
                 "abonnement op te zeggen.", id="nl"),
])
def test_a_support_pitch_in_another_language_advertises_the_number(
        page: str, al: allowlist.Allowlist) -> None:
    report = text(page, al)
    assert [n.advertised for n in report.numbers] == [True]
    assert report.verdict == "suspicious"


def test_the_word_telephone_alone_is_no_pitch(al: allowlist.Allowlist) -> None:
    # A table row of a guide: the noun names the caller's device, it asks nobody to call.
    report = text("Tarifs PayPal\nDepuis un téléphone fixe (gratuit) | 09 55 55 01 42 |", al,
                  "https://guide.example.fr/paypal")
    assert report.verdict != "flagged"


@pytest.mark.parametrize(("page", "found"), [
    pytest.param("Para cancelar, ligue para o atendimento ao cliente Norton no 1-888-555-0142.",
                 True, id="portuguese-no-is-at-the"),
    pytest.param("Norton order No 8885550142 has shipped.", False, id="capitalised-No"),
    pytest.param("Your Norton renewal, ref no. 8885550142.", False, id="no-dot"),
    pytest.param("Norton subscription no: 8885550142", False, id="no-colon"),
])
def test_a_bare_lowercase_no_is_not_an_identifier_label(
        page: str, found: bool, al: allowlist.Allowlist) -> None:
    assert ("+18885550142" in numbers(text(page, al))) is found


@pytest.mark.parametrize("page", [
    pytest.param("Política de cambios de Expedia\nGestiona tu cambio con el apoyo de expertos en "
                 "viajes {+1-888-555-0142}.", id="es-expertos"),
    pytest.param("Modifier un voyage Expedia\nUn conseiller vous répond au +1-888-555-0142.",
                 id="fr-conseiller"),
    pytest.param("Cambiare un viaggio Expedia\nUn operatore è disponibile al +1-888-555-0142.",
                 id="it-operatore"),
])
def test_the_people_a_number_reaches_present_it_in_other_languages_too(
        page: str, al: allowlist.Allowlist) -> None:
    report = text(page, al, "https://travelhelp.wixsite.com/blog/post/expedia")
    assert [n.advertised for n in report.numbers] == [True]
    assert report.verdict == "flagged"  # on a page anyone can publish on


@pytest.mark.parametrize(("page", "brands"), [
    pytest.param("Para cambiar tu vuelo o tu billete, llama a Delta: 1-888-555-0142.",
                 ["Delta Air Lines"], id="es-airline-words"),
    pytest.param("Um Ihren Flug umzubuchen, erreichen Sie den Delta Kundenservice am Flughafen.",
                 ["Delta Air Lines"], id="de-capitalised-support-noun"),
    pytest.param("Pour modifier votre vol et votre billet, appelez United.", ["United Airlines"],
                 id="fr-airline-words"),
    pytest.param("Delta Faucet Kundenservice für Armaturen.", [], id="de-other-organisation"),
    pytest.param("Llame a Delta para su pedido de grifería.", [], id="es-no-airline-words"),
])
def test_weak_aliases_are_read_with_the_trade_words_of_other_languages(
        page: str, brands: list[str], al: allowlist.Allowlist) -> None:
    assert text(page, al).brands == brands


@pytest.mark.parametrize("host", ["aiuto-voli.altervista.org", "assistance.canalblog.com",
                                  "hilfe-flug.beepworld.de", "soporte-viajes.webnode.es"])
def test_free_hosts_outside_the_english_web_are_hosted_pages(host: str) -> None:
    assert is_hosted(host)
