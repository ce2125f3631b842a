"""Number extraction: every obfuscation trick scam pages use, and digit runs that are not numbers.

The fixtures are written for this file (never copied from the labelled corpus). The scam number
used throughout, 1-888-276-4410, is a valid US toll-free number that is not in the allowlist.
"""

from __future__ import annotations

import pytest

import allowlist
import detector
from detector.normalize import normalize
from detector.numbers import NumberParser, find_numbers

SCAM = "+18882764410"  #: 1-888-276-4410, unverified everywhere
SCAM_2 = "+18773325896"  #: 1-877-332-5896, unverified everywhere


@pytest.fixture(scope="module")
def al() -> allowlist.Allowlist:
    return allowlist.load()


@pytest.fixture(scope="module")
def parser(al: allowlist.Allowlist) -> NumberParser:
    return NumberParser(["US"], al.number)


def find(text: str, parser: NumberParser) -> list[tuple[str, str, bool]]:
    """(e164, raw as printed in ``text``, obfuscated) for every number found in ``text``."""
    norm = normalize(text)
    return [
        (found.e164, norm.original_slice(found.start, found.end), found.obfuscated)
        for found in find_numbers(norm, parser)
    ]


def e164s(text: str, parser: NumberParser) -> list[str]:
    return [e164 for e164, _, _ in find(text, parser)]


def test_scam_numbers_used_here_are_not_allowlisted(al: allowlist.Allowlist) -> None:
    # The tests below rely on these being "unverified"; fail loudly if the data ever changes.
    for e164 in (SCAM, SCAM_2, "+18002764410", "+12036326614", "+33492145211"):
        assert al.number(e164) is None, e164


# -- obfuscation tricks ---------------------------------------------------------------------

#: (as printed, expected E.164, a piece of the printed form ``raw`` must keep, obfuscated?)
#: ``None`` for obfuscated means "not asserted here" (see the dedicated tests below).
TRICKS = [
    pytest.param("(+1-(888)-(276)-(4410)", SCAM, "+1-(888)-(276)-(4410", True,
                 id="per-group-parentheses"),
    pytest.param("[+1]-[888]-[276]-[4410]", SCAM, "+1]-[888]-[276]-[4410", True,
                 id="per-group-square-brackets"),
    pytest.param("{+1}-{888}-{276}-{4410}", SCAM, "+1}-{888}-{276}-{4410", True,
                 id="per-group-braces"),
    pytest.param("{1}{888}{276}{4410}", SCAM, "{888}{276}{4410", True, id="braces-glued"),
    pytest.param("1⚚888⚚276⚚4410", SCAM, "1⚚888⚚276⚚4410", True, id="caduceus"),
    pytest.param("+1★(888)★276★4410", SCAM, "+1★(888)★276★4410", True, id="stars"),
    pytest.param("1↠888↠276↠4410", SCAM, "1↠888↠276↠4410", True, id="arrows"),
    pytest.param("+1_888_(276)_4410", SCAM, "+1_888_(276)_4410", True, id="underscores"),
    pytest.param("1~888~276~4410", SCAM, "1~888~276~4410", True, id="tildes"),
    pytest.param("⟨+1⟩ 888 - 276 - 4410", SCAM, "+1⟩ 888 - 276 - 4410", True,
                 id="angle-brackets"),
    pytest.param("1-8 8 8-2 7 6-4 4 1 0", SCAM, "1-8 8 8-2 7 6-4 4 1 0", True,
                 id="spaced-digits"),
    pytest.param("1 8 8 8 2 7 6 4 4 1 0", SCAM, "1 8 8 8 2 7 6 4 4 1 0", True,
                 id="every-digit-spaced"),
    pytest.param("¹-⁸⁸⁸-²⁷⁶-⁴⁴¹⁰", SCAM, "¹-⁸⁸⁸-²⁷⁶-⁴⁴¹⁰", None, id="superscript"),
    pytest.param("１-８８８-２７６-４４１０", SCAM, "１-８８８-２７６-４４１０", None, id="fullwidth"),
    pytest.param("＋１（８８８）２７６－４４１０", SCAM, "＋１（８８８）２７６－４４１０", None,
                 id="fullwidth-punctuation"),
    pytest.param("𝟏-𝟖𝟖𝟖-𝟐𝟕𝟔-𝟒𝟒𝟏𝟎", SCAM, "𝟏-𝟖𝟖𝟖-𝟐𝟕𝟔-𝟒𝟒𝟏𝟎", None, id="math-bold"),
    pytest.param("1-888\u200d-276\u200c-44\ufeff1\u00ad0", SCAM,
                 "1-888\u200d-276\u200c-44\ufeff1\u00ad0", None, id="zwj-zwnj-bom-soft-hyphen"),
    pytest.param("1\u200b8\u200b8\u200b8\u200b2\u200b7\u200b6\u200b4\u200b4\u200b1\u200b0", SCAM,
                 "8\u200b8\u200b8\u200b2", None, id="zero-width-space-every-digit"),
    pytest.param("✈︎【☎️+1 (888) 276-4410】", SCAM, "+1 (888) 276-4410", False,
                 id="emoji-and-lenticular-brackets"),
    pytest.param("account1⚚888⚚276⚚4410", SCAM, "1⚚888⚚276⚚4410", True, id="glued-to-word"),
    pytest.param("1-8OO-276-44l0", "+18002764410", "1-8OO-276-44l0", True,
                 id="letters-O-and-l-for-digits"),
    pytest.param("1-888-276-44I0", SCAM, "1-888-276-44I0", True, id="letter-I-for-one"),
    pytest.param("1-800-OK-CANON", "+18006522666", "1-800-OK-CANON", None, id="vanity-ok-canon"),
    pytest.param("1-800-MICROSOFT", "+18006427676", "1-800-MICROSOFT", None,
                 id="vanity-microsoft"),
    pytest.param("800.999.1148", "+18009991148", "800.999.1148", False, id="dotted"),
    pytest.param("0044 20 7946 0958", "+442079460958", "0044 20 7946 0958", False,
                 id="double-zero-international-prefix"),
    pytest.param("0012036326614", "+12036326614", "0012036326614", False,
                 id="double-zero-prefix-unspaced"),
    pytest.param("+١ ٨٨٨ ٢٧٦ ٤٤١٠", SCAM, "+١ ٨٨٨ ٢٧٦ ٤٤١٠", None, id="arabic-indic"),
    pytest.param("١-٨٨٨-٢٧٦-٤٤١٠", SCAM, "١-٨٨٨-٢٧٦-٤٤١٠", None, id="arabic-indic-no-plus"),
    pytest.param("â˜Ž1-888-276-4410", SCAM, "1-888-276-4410", False, id="mojibake-prefix"),
    pytest.param("Ã¢Â€Â˜1-888-276-4410", SCAM, "1-888-276-4410", False,
                 id="double-mojibake-prefix"),
    pytest.param("1-888-276-4410", SCAM, "1-888-276-4410", False, id="plain-dashes"),
    pytest.param("+1 (888) 276-4410", SCAM, "+1 (888) 276-4410", False, id="plain-e123"),
    pytest.param("1 888 276 4410", SCAM, "1 888 276 4410", False, id="plain-spaces"),
    pytest.param("8882764410", SCAM, "8882764410", False, id="plain-unseparated"),
]


@pytest.mark.parametrize(("printed", "e164", "core", "obfuscated"), TRICKS)
def test_trick_found_with_right_e164(printed: str, e164: str, core: str, obfuscated: bool | None,
                                     parser: NumberParser) -> None:
    text = f"Cancel your renewal today, call {printed} and ask for a refund."
    found = find(text, parser)
    assert [f[0] for f in found] == [e164]
    _, raw, is_obfuscated = found[0]
    # raw quotes the original (pre-normalisation) characters, not the folded ASCII digits
    assert raw in text
    assert core in raw
    if obfuscated is not None:
        assert is_obfuscated is obfuscated


@pytest.mark.parametrize(("printed", "e164", "core", "obfuscated"), TRICKS)
def test_trick_reported_by_analyze(printed: str, e164: str, core: str, obfuscated: bool | None,
                                   al: allowlist.Allowlist) -> None:
    page = (f"<html><head><title>McAfee Antivirus Helpline</title></head><body>"
            f"<h1>McAfee renewal help</h1><p>To stop the McAfee auto-renewal call {printed} "
            f"and speak with a billing agent.</p></body></html>")
    report = detector.analyze(page, allowlist=al)
    assert [n.e164 for n in report.numbers] == [e164]
    number = report.numbers[0]
    assert core in number.raw
    assert number.sources == ["text"]
    if obfuscated is not None:
        assert number.obfuscated is obfuscated
        assert ("obfuscated_number" in report.reason_codes()) is (
            obfuscated and number.status == "unverified")


def test_double_bracket_per_group_form(parser: NumberParser) -> None:
    assert e164s("Helpline: [{+1}]-[{888}]-[{276}]-[{4410}] (24 hours)", parser) == [SCAM]


@pytest.mark.parametrize("printed", [
    pytest.param("¹-⁸⁸⁸-²⁷⁶-⁴⁴¹⁰", id="superscript"),
    pytest.param("𝟏-𝟖𝟖𝟖-𝟐𝟕𝟔-𝟒𝟒𝟏𝟎", id="math-bold"),
    pytest.param("1-888\u200d-276\u200c-44\ufeff1\u00ad0", id="zero-width"),
])
def test_unicode_disguised_digits_are_marked_obfuscated(printed: str,
                                                        parser: NumberParser) -> None:
    assert find(f"call {printed} now", parser) == [(SCAM, printed, True)]


def test_plain_number_is_not_obfuscated(parser: NumberParser) -> None:
    assert find("Call us at 1-888-276-4410 today.", parser) == [(SCAM, "1-888-276-4410", False)]


def test_raw_keeps_the_opening_parenthesis(parser: NumberParser) -> None:
    assert find("Phone: (888) 276-4410.", parser) == [(SCAM, "(888) 276-4410", False)]


def test_two_numbers_in_one_run_are_split(parser: NumberParser) -> None:
    assert e164s("Lines: 1-888-276-4410 / 1-877-332-5896 | 1.855.412.8890", parser) == [
        SCAM, SCAM_2, "+18554128890"]


def test_number_followed_by_extension_or_hours(parser: NumberParser) -> None:
    assert e164s("1-888-276-4410 ext. 123", parser) == [SCAM]
    assert e164s("1 888 276 4410 24/7", parser) == [SCAM]


def test_international_numbers_with_plus(parser: NumberParser) -> None:
    assert e164s("UK: +44 (0) 20 7946 0958, Germany: +49 69 9580 5678", parser) == [
        "+442079460958", "+496995805678"]


def test_unassigned_international_number_is_kept_as_invalid(parser: NumberParser) -> None:
    norm = normalize("Colombia helpline: +57 1 265 9988.\nNigeria helpline: +234 1 472 9988.")
    found = list(find_numbers(norm.text, parser))
    assert [(f.e164, f.valid, f.type) for f in found] == [
        ("+5712659988", False, "unknown"), ("+23414729988", False, "unknown")]


@pytest.mark.parametrize(("text", "e164"), [
    pytest.param("Colombia: +57 1 265 9988 (24 hours)", "+5712659988", id="hours-in-brackets"),
    pytest.param("Nigeria: +234 1 472 9988 - 24/7", "+23414729988", id="dash-24-7"),
])
def test_invalid_number_does_not_swallow_following_digits(text: str, e164: str,
                                                           parser: NumberParser) -> None:
    assert e164s(text, parser) == [e164]


def test_number_type_and_region(parser: NumberParser) -> None:
    norm = normalize("call 1-888-276-4410 or 900.555.1500 or (404) 555-0123")
    found = list(find_numbers(norm.text, parser))
    assert [(f.e164, f.type, f.region, f.valid) for f in found] == [
        (SCAM, "toll_free", "US", True),
        ("+19005551500", "premium_rate", "US", True),
        ("+14045550123", "fixed_line_or_mobile", "US", True),
    ]


def test_page_region_reads_national_numbers(al: allowlist.Allowlist) -> None:
    # A .co.uk page: a number written without a country code is British.
    page = "<html lang='en-GB'><body><p>Call our shop on 020 7946 0958.</p></body></html>"
    report = detector.analyze(page, url="https://corner-shop.co.uk/contact", allowlist=al)
    assert report.region == "GB"
    assert [n.e164 for n in report.numbers] == ["+442079460958"]


# -- digit runs that are not phone numbers --------------------------------------------------

NOT_NUMBERS = [
    pytest.param("Posted on 04/04/2019 by the site admin.", id="date-slashes"),
    pytest.param("Last updated 2019-04-09.", id="date-iso"),
    pytest.param("Offer valid until 12.03.2024 only.", id="date-dots"),
    pytest.param("Laptop now $1,299.99 with free shipping.", id="price-thousands"),
    pytest.param("Pay $8882764410 in gift cards? Never.", id="price-phone-shaped"),
    pytest.param("Interest rate 15.5% APR, fees 2.25%.", id="percentages"),
    pytest.param("Growth of 1234567% in a year.", id="percentage-phone-length"),
    pytest.param("Your Order #2024000123 has shipped.", id="order-hash"),
    pytest.param("Reference ORD-2125550000 in all emails.", id="order-prefixed"),
    pytest.param("Invoice 2125551234 is overdue.", id="invoice"),
    pytest.param("Tracking number 8882764410 delivered.", id="tracking"),
    pytest.param("ISBN 978-3-16-148410-0 (paperback).", id="isbn"),
    pytest.param("Mail: 1200 Peachtree St, Atlanta, GA 30320-2980", id="zip-plus-four"),
    pytest.param("Open 9:00 AM - 5:00 PM, Monday to Friday.", id="opening-hours"),
    pytest.param("Hours: 10:00-18:00, 7 days a week.", id="hours-24h"),
    pytest.param("In an emergency dial 911; for your wireless account dial 611.",
                 id="short-codes"),
    pytest.param("Serial number: 12345678901", id="serial"),
    pytest.param("SKU12345678 in stock.", id="sku"),
    pytest.param("Copyright 2009-2024 All rights reserved.", id="year-range"),
]


@pytest.mark.parametrize("text", NOT_NUMBERS)
def test_not_a_phone_number(text: str, parser: NumberParser) -> None:
    assert find(text, parser) == []


def test_masked_number_is_not_a_number(parser: NumberParser) -> None:
    assert find("Scammers call from 1-888-XXX-XXXX numbers.", parser) == []


@pytest.mark.parametrize("text", [
    pytest.param("Premium line: $2.50 per minute, call 1-888-276-4410.", id="price-per-minute"),
    pytest.param("$1,299.99 1-888-276-4410", id="price-then-number"),
    pytest.param("Published 04/04/2019 1-888-276-4410", id="date-then-number-with-1"),
    pytest.param("Updated 2019-04-09 888 276 4410", id="iso-date-then-number"),
    pytest.param("Save 50% 1-888-276-4410", id="percent-then-number"),
    pytest.param("Order #2024000123 - call 1-888-276-4410", id="order-then-call"),
    pytest.param("Open 9:00-17:00 888-276-4410", id="hours-then-number"),
    pytest.param("©2024 1-888-276-4410", id="copyright-year"),
])
def test_noise_next_to_a_real_number(text: str, parser: NumberParser) -> None:
    assert e164s(text, parser) == [SCAM]


def test_markdown_table_row_gives_one_number(parser: NumberParser) -> None:
    assert e164s("| Amazon customer service | 1-888-280-4331 | 24/7 |", parser) == [
        "+18882804331"]


@pytest.mark.parametrize("text", [
    pytest.param("Posted 04/04/2019 888-276-4410", id="date-space"),
    pytest.param("| 04/04/2019 | 888-276-4410 |", id="table-row"),
])
def test_date_glued_to_number(text: str, parser: NumberParser) -> None:
    assert e164s(text, parser) == [SCAM]


@pytest.mark.parametrize("text", [
    pytest.param("| Priority support | $2.50 | 1-888-276-4410 |", id="price-table-cell"),
    pytest.param("Norton 360 Deluxe $49.99 1-888-276-4410", id="price-space"),
    pytest.param("Order #2024000123 1-888-276-4410", id="order-id-space"),
])
def test_price_or_id_glued_to_number(text: str, parser: NumberParser) -> None:
    assert e164s(text, parser) == [SCAM]


def test_noise_page_gives_only_the_real_number(al: allowlist.Allowlist) -> None:
    page = """<html><head><title>Order help</title></head><body>
    <p>Order #2024000123 placed 04/04/2019, shipped 2019-04-09, delivered 12.03.2024.</p>
    <p>Total $1,299.99 (tax 8.25%). ISBN 978-3-16-148410-0.</p>
    <p>Returns: 1200 Peachtree St, Atlanta, GA 30320-2980. Hours 9:00 AM - 5:00 PM.</p>
    <p>Emergencies: 911. Reference ORD-2125550000.</p>
    <table><tr><td>Phone</td><td>1-888-276-4410</td><td>24/7</td></tr></table>
    </body></html>"""
    report = detector.analyze(page, allowlist=al)
    assert [n.e164 for n in report.numbers] == [SCAM]
