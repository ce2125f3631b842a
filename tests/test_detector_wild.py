"""Issue 12, round 3: shapes met on real pages nobody tuned for (four labelled sets of 50 to 70
pages kept outside the project). One test (or table) per class, each on a page written for
this file; numbers are fictional (555 exchanges)."""

from __future__ import annotations

import pytest
from detecthelp import numbers, text

import allowlist
from detector import language, owners
from detector.normalize import normalize


@pytest.fixture(scope="module")
def al() -> allowlist.Allowlist:
    return allowlist.load()


def test_brand_named_once_in_the_line_before_a_support_number(al: allowlist.Allowlist) -> None:
    page = ("Refunds and fees\nCancellation fee: $99 per passenger, plus any fare difference on the itinerary.\n"
            "Cancel online: use My Trips on Frontier\u2019s site or app with your confirmation "
            "code.\nPhone support: call +1-844-555-0171 to speak to a real person.\n"
            "Refunds may take 7 to 10 days.")
    report = text(page, al)
    assert report.brands == ["Frontier Airlines"]
    assert report.numbers[0].brand == "Frontier Airlines"


def test_on_a_page_about_a_brand_the_sentence_before_names_no_second_one(
        al: allowlist.Allowlist) -> None:
    page = ("Qatar Airways changes\nQatar Airways lets you change a flight or fare online. "
            "Use Qatar Airways' Hold My Booking option for your trip and fare.\nThis locks "
            "your fare: call +1-844-555-0171 for help with the flight.")
    assert text(page, al).brands == ["Qatar Airways"]


def test_a_brand_two_sentences_before_a_number_does_not_claim_it(
        al: allowlist.Allowlist) -> None:
    page = ("Travel bags and cases\nUse My Trips on Frontier\u2019s site or app to change a "
            "flight or fare. Our shop sells bags for every trip and every budget, with "
            "free returns. Phone support: call +1-844-555-0171 for orders.")
    assert text(page, al).brands == []


def test_words_two_languages_share_do_not_hold_the_leader_back() -> None:
    # "do", "na" are Portuguese and Polish words; only words the leader lacks count for a rival.
    page = ("Atualizações do contrato do usuário do PayPal: não há custo para o titular da "
            "conta. O serviço do PayPal atende por telefone na central do cliente, com horário "
            "de segunda a sexta, e a Ouvidoria do PayPal responde em até dez dias do pedido "
            "do cliente do banco do titular do cartão do site do PayPal na conta do usuário.")
    assert language.guess(page) == "pt"
    assert language.guess("Sprawdź, czy to jest do zrobienia na koncie w banku i jak to "
                          "zrobić, nie czekaj, to jest dla ciebie oraz przez nas, czy się "
                          "uda, w domu i w pracy, w sklepie i w banku, nie ma na co czekać.") == "pl"


def test_a_brand_named_in_devanagari(al: allowlist.Allowlist) -> None:
    page = ("अमेज़न कस्टमर केयर\nअमेज़न ग्राहक सेवा हेल्पलाइन नंबर 98765 55014 पर कॉल करें। "
            "यह सेवा चौबीसों घंटे उपलब्ध है।")
    report = text(page, al, url="https://amazon-help.blogspot.com/2026/care")
    assert report.brands == ["Amazon"]
    assert report.verdict == "flagged"


def test_vowel_signs_are_part_of_the_word_padding_marks_are_not() -> None:
    # The virama and vowel signs of "ग्राहक सेवा" stay (the cue lists match the words); a
    # combining low line between digits is padding and goes.
    assert normalize("ग्राहक सेवा 1\u0332800").text == "ग्राहक सेवा 1800"


@pytest.mark.parametrize(("printed", "folded"), [
    pytest.param("+1\u03b2\u20ac\u2019888", "+1\u2012888", id="mojibake-cp1253"),
    pytest.param("Frontier\u00e2\u20ac\u2122s", "Frontier\u2019s", id="mojibake-cp1252"),
    pytest.param("\u278a\u2791\u278c\u24ff", "1830", id="dingbat-digits"),
    pytest.param("+1\u2780888\u2780620", "+1-888-620", id="dingbat-between-digits"),
    pytest.param("caf\u00e9 \u00e0 la carte", "caf\u00e9 \u00e0 la carte", id="plain-accents"),
])
def test_mojibake_punctuation_and_dingbat_digits_are_read(printed: str, folded: str) -> None:
    assert normalize(printed).text == folded


def test_a_number_with_mojibake_separators_is_found(al: allowlist.Allowlist) -> None:
    page = "Alaska Airlines name change\nCall +1\u03b2\u20ac\u2019888\u03b2\u20ac\u2019555\u03b2\u20ac\u20190142."
    assert numbers(text(page, al)) == ["+18885550142"]


def test_a_regulator_named_by_its_acronym_owns_the_number_that_calls_it_them(
        al: allowlist.Allowlist) -> None:
    page = ("How to escalate a Wells Fargo complaint\n"
            "Wells Fargo customers who get no answer can go to the federal regulator, the "
            "Consumer Financial Protection Bureau (CFPB).\n"
            "File a complaint through the CFPB's online portal at example.gov/complaint. You "
            "can also call them at 1-855-555-0148.")
    report = text(page, al, url="https://forum.example.net/t/wells-fargo")
    assert report.verdict == "clean"
    assert report.numbers[0].brand is None


def test_call_them_with_no_institution_before_is_still_the_brand_s_line(
        al: allowlist.Allowlist) -> None:
    page = ("Wells Fargo support\nWells Fargo agents answer around the clock. Wells Fargo "
            "customer care is quick. You can call them at 1-855-555-0148 for help, call "
            "1-855-555-0148 now, Wells Fargo helpline 1-855-555-0148.")
    report = text(page, al, url="https://forum.example.net/t/wells-fargo")
    assert report.verdict == "flagged"
    assert report.numbers[0].brand == "Wells Fargo"


def test_an_acronym_counts_only_where_the_page_defines_it_for_an_institution() -> None:
    assert owners.defined_names("the Consumer Financial Protection Bureau (CFPB) said") is not None
    assert owners.defined_names("Wells Fargo Customer Care (WFCC) at 1-800") is None


def test_a_government_site_s_forum_is_not_the_government_speaking(
        al: allowlist.Allowlist) -> None:
    page = ("Norton renewal help\nNorton support number \u30101-888-555-0150\u3011 call "
            "Norton customer care \u30101-888-555-0150\u3011, Norton helpline "
            "\u30101-888-555-0150\u3011 for help.")
    forum = text(page, al, url="https://my.council.gov.uk/forums/general-discussion/123")
    assert forum.verdict == "flagged"
    assert text(page, al, url="https://my.council.gov.uk/news/123").verdict == "clean"


@pytest.mark.parametrize(("page", "url"), [
    pytest.param("Is this Chase message a scam?\n"
                 "Real example of a Chase smishing text\n"
                 "Chase Alert: a charge of $310.00 was attempted on your card. If this was not "
                 "you, call 1-888-555-0171 immediately to dispute. Reply STOP to opt out.\n"
                 "Chase alerts ask you to reply, they never give a callback line.",
                 "https://blog.example.org/chase-text", id="introduced-as-a-smishing-text"),
    pytest.param("Chase texts to watch for\n"
                 "Chase Alert: card ending 4421 locked. Call 1-888-555-0171 immediately to "
                 "unlock.\nReply STOP to opt out.\n"
                 "The phone number is the trap: Chase never asks you to call it.",
                 "https://blog.example.org/chase-text", id="verdict-on-the-number-after"),
    pytest.param("Microsoft Defender lock screen\nMy screen was locked by a Microsoft Defender "
                 "window and I was asked to call 1-844-555-0190 to get it unblocked.",
                 "https://forum.example.net/t/defender", id="victim-retells-the-instruction"),
])
def test_a_scam_message_quoted_as_such(page: str, url: str, al: allowlist.Allowlist) -> None:
    report = text(page, al, url=url)
    assert report.numbers[0].warned
    assert report.verdict == "clean"


def test_a_pitch_after_a_warning_sentence_is_still_a_pitch(al: allowlist.Allowlist) -> None:
    page = ("Chase customer service\nBeware of fake emails!\n"
            "Call Chase customer care at 1-888-555-0171 for help with your account, Chase "
            "support 1-888-555-0171, the Chase helpline 1-888-555-0171.")
    report = text(page, al, url="https://forum.example.net/t/chase")
    assert not report.numbers[0].warned
    assert report.verdict == "flagged"


def test_a_title_that_is_only_a_number_is_no_headline(al: allowlist.Allowlist) -> None:
    # A local shop's header line, then its blog post about Yahoo mail.
    page = ("(405) 555-0187\n\nMost people who pay for internet service do not know that "
            "their email is handled by Yahoo. Yahoo has had many security problems, and Yahoo "
            "accounts are often hacked, so we help our customers move away from Yahoo mail.")
    report = text(page, al, url="https://shop.example.com/yahoo-mail")
    assert "number_in_title" not in report.reason_codes()
    assert report.verdict != "flagged"


@pytest.mark.parametrize(("host", "trade_help"), [
    ("airticketchanges.example", True),
    ("airlinesguideline.example", True),
    ("flightshelpcenter.example", True),
    ("cheapflights.example", False),  # a trade word and a price word: a fare site's name
    ("gpsinformation.example", False),  # not a help desk's name
    ("travelnews.example", False),
])
def test_a_site_named_for_a_trade_s_help_desk(host: str, trade_help: bool,
                                              al: allowlist.Allowlist) -> None:
    page = ("What to do if you miss your Emirates flight\nEmirates rebooks a missed flight "
            "depending on the fare and the ticket. Call the Emirates missed flight number "
            "+1-844-555-0168 to rebook your trip.")
    report = text(page, al, url=f"https://www.{host}/blog/emirates-missed-flight")
    assert ("trade_help_site" in report.reason_codes()) is trade_help
    assert report.verdict == ("flagged" if trade_help else "suspicious")


def test_on_a_manual_archive_the_manual_s_own_pitch_is_no_trait(al: allowlist.Allowlist) -> None:
    page = ("HP LaserJet 5200 user guide\nFor questions about supplies, call the toll-free "
            "HP supplies line at 1-877-555-0183.")
    mirror = text(page, al, url="https://www.manualsdump.example/manuals/hp-laserjet/99")
    assert mirror.verdict == "suspicious"
    guide = text(page, al, url="https://printer-tips.example/hp-laserjet/99")
    assert guide.verdict == "flagged" and "toll_free_claim" in guide.reason_codes()


@pytest.mark.parametrize(("page", "found"), [
    pytest.param("Cash App help \u278a(+\u278a)-\u2791\u278c\u278c',\u278c\u278a\u2790',"
                 "\u24ff\u278d\u2792\u2792 call now", ["+18333170499"], id="quote-comma"),
    pytest.param("Sold 1,234,567 units; call 555, 0142 later", [], id="bare-commas"),
])
def test_a_comma_joins_groups_only_beside_a_quote(page: str, found: list[str],
                                                  al: allowlist.Allowlist) -> None:
    assert numbers(text(page, al)) == found


@pytest.mark.parametrize(("url", "found"), [
    pytest.param("https://news.example.de/wirtschaft/lufthansa-hotline-beschwerde-1.5429757", [],
                 id="article-identifier"),
    pytest.param("https://news.example.de/lufthansa/5429757", [], id="short-run"),
    pytest.param("https://spam.example/lufthansa-call-1.888.555.0142-now", ["+18885550142"],
                 id="dotted-phone"),
])
def test_numbers_in_an_address_are_whole_numbers(url: str, found: list[str],
                                                 al: allowlist.Allowlist) -> None:
    page = "Lufthansa hotline\nLufthansa customers can complain about the hotline online."
    assert numbers(text(page, al, url=url)) == found
