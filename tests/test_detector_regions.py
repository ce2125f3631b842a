"""Which country a number written without its calling code belongs to (issue 12, round 2).

A brand's lines abroad must not make the detector read ordinary digit runs as numbers of those
countries: a national-format run counts there only when the reading is allowlisted or the page
shows the country. Every number here is fictional (555 exchanges, 555 blocks abroad) except
the ZIP+4 codes, which are no phone numbers at all."""

from __future__ import annotations

from pathlib import Path

import pytest

import allowlist
import detector
from detector import regions
from detector.numbers import find_numbers
from detector.parsing import NumberParser


def line(number: str, use: str, page: str) -> str:
    """One allowlisted line, sourced on the fictional airline's own site."""
    return (f'\n[[numbers]]\nnumber = "{number}"\nuse = "{use}"\n'
            f'source = "https://acmeair.example/{page}"\nverified_on = 2026-12-01\n')


# A fictional airline with a US line, and the same with lines in the Netherlands and Hong Kong.
ACME = ('name = "Acme Air"\naliases = ["AcmeAir"]\ndomains = ["acmeair.example"]\n'
        'phone_support = true\nsector = "airline"\n'
        + line("+18335550100", "US reservations", "contact"))
ABROAD = (line("+31205550100", "Netherlands reservations", "nl/contact")
          + line("+85225550100", "Hong Kong reservations", "hk/contact"))


def load(tmp_path: Path, text: str, name: str = "acme") -> allowlist.Allowlist:
    folder = tmp_path / name
    folder.mkdir()
    (folder / "acme-air.toml").write_text(text, encoding="utf-8")
    return allowlist.load(folder, bundled=False)


@pytest.fixture
def home(tmp_path: Path) -> allowlist.Allowlist:
    return load(tmp_path, ACME, "home")


@pytest.fixture
def abroad(tmp_path: Path) -> allowlist.Allowlist:
    return load(tmp_path, ACME + ABROAD, "abroad")


def numbers(page: str, al: allowlist.Allowlist) -> list[str]:
    report = detector.analyze(page, allowlist=al, content_type="text/plain")
    return sorted(n.e164 for n in report.numbers)


# Digit runs that are valid national numbers somewhere once a region is tried: a ZIP+4 after
# a state ("30320-2980" is a Dutch number), a number followed by its price ("($2" would make
# "900.555.0150" an eleven-digit Hong Kong one), order and tracking identifiers.
DIGIT_HEAVY = """Acme Air cargo and reservations
Acme Air cargo office, 1600 Aviation Blvd, Atlanta, GA 30320-2980.
Acme Air premium line 900.555.0150 ($2.50 per minute) for AcmeAir flight changes.
Booking reference 2055501004, parcel 3120555010 shipped, zip 10001-1234.
Call Acme Air reservations at 1-833-555-0100.
"""


def test_foreign_lines_invent_no_numbers(home: allowlist.Allowlist,
                                         abroad: allowlist.Allowlist) -> None:
    expected = ["+18335550100", "+19005550150"]
    assert numbers(DIGIT_HEAVY, home) == expected
    assert numbers(DIGIT_HEAVY, abroad) == expected


def test_zip_plus_four_after_a_state_is_no_number(abroad: allowlist.Allowlist) -> None:
    page = "Acme Air, the Netherlands' airline. US office: Atlanta, GA 30320-2980."
    assert numbers(page, abroad) == []


def test_a_price_after_a_number_does_not_lengthen_it(abroad: allowlist.Allowlist) -> None:
    page = "Acme Air in Hong Kong: call 900.555.0150 ($2.50 per minute) for flight changes."
    assert numbers(page, abroad) == ["+19005550150"]


def test_the_allowlisted_reading_needs_no_evidence(abroad: allowlist.Allowlist) -> None:
    page = "Acme Air\nReservations: 020 555 0100."
    assert numbers(page, abroad) == ["+31205550100"]


@pytest.mark.parametrize("page", [
    pytest.param("Acme Air, from Amsterdam in the Netherlands to the world.\nReservations: 020 555 0199.",
                 id="country-named"),
    pytest.param("Acme Air\nReservations: 020 555 0199, or +31 20 555 0198 from abroad.",
                 id="calling-code-on-the-page"),
    pytest.param("Acme Air Nederland\nReservations: 020 555 0199.", id="name-in-dutch"),
])
def test_a_page_that_shows_the_country_reads_its_numbers(
        page: str, abroad: allowlist.Allowlist) -> None:
    assert "+31205550199" in numbers(page, abroad)


def test_without_evidence_a_foreign_reading_is_not_made(abroad: allowlist.Allowlist) -> None:
    assert numbers("Acme Air\nReservations: 020 555 0199.", abroad) == []


@pytest.mark.parametrize(("page", "found"), [
    pytest.param("To reach the bill desk in India, dial 1800-110-5550 from a tone phone.",
                 ["+9118001105550"], id="india-named"),
    pytest.param("Dial 1800-110-5550 for the bill desk (from abroad: +91 11 5550 1234).",
                 ["+911155501234", "+9118001105550"], id="plus-91-elsewhere"),
    pytest.param("Dial 1800-110-5550 for the bill desk.", [], id="no-country"),
])
def test_1800_numbers_invalid_in_nanp_read_where_the_page_is(page: str, found: list[str],
                                                               home: allowlist.Allowlist) -> None:
    # 1-800-110-… is no NANP number (an exchange never starts with 1); "1800" as one group is
    # how India, Singapore and others write toll-free numbers. Which one: the page says.
    assert numbers(page, home) == found


def test_indiana_is_not_india(home: allowlist.Allowlist) -> None:
    assert numbers("Indianapolis, Indiana: dial 1800-110-5550.", home) == []


@pytest.mark.parametrize(("text", "region", "shown"), [
    ("flights from the netherlands", "NL", True),
    ("prices from ₹499 a month", "IN", True),
    ("atlanta, georgia", "GE", False),  # a US state, not the country
    ("new jersey turnpike", "JE", False),
    ("call +852 2555 0100", "HK", True),
    ("call +1 852 555 0100", "HK", False),
])
def test_evidence(text: str, region: str, shown: bool) -> None:
    assert regions.evidence(text)(region) is shown


def test_evidence_decisions_are_not_cached_across_pages() -> None:
    # The same run on two pages: the answer depends on each page's evidence.
    parser_nl = NumberParser(["US"], tentative=["NL"], evidence=lambda region: region == "NL")
    parser_none = NumberParser(["US"], tentative=["NL"])
    found = [[n.e164 for n in find_numbers("bel 020 555 0199", parser)]
             for parser in (parser_nl, parser_none, parser_nl)]
    assert found == [["+31205550199"], [], ["+31205550199"]]


def test_a_run_valid_where_the_brand_has_lines_is_read_in_the_country_named(
        abroad: allowlist.Allowlist) -> None:
    # "91 555 01 23" is valid in the Netherlands (where Acme Air has a line) and in Spain:
    # the page names Spain, not the Netherlands.
    page = ("Acme Air flies to Spain every day.\nFor bookings, changes and baggage questions, "
            "Acme Air reservations answer at 91 555 01 23 on weekdays.")
    assert numbers(page, abroad) == ["+34915550123"]
