"""Issue 12: detection on pages nobody tuned for. One test (or table) per class of miss or
false flag, each on a page written for this file. Numbers are fictional (555 exchanges) or the
allowlist's own verified lines."""

from __future__ import annotations

import pytest

import allowlist
import detector
from crawler.checks.evaluate import PageResult, kind_table, summarize_by_kind
from detector import language, owners
from detector.domains import is_hosted, url_number_text


@pytest.fixture(scope="module")
def al() -> allowlist.Allowlist:
    return allowlist.load()


def text(page: str, al: allowlist.Allowlist, url: str | None = None) -> detector.PageReport:
    return detector.analyze(page, url=url, allowlist=al, content_type="text/plain")


def numbers(report: detector.PageReport) -> list[str]:
    return [n.e164 for n in report.numbers]


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
