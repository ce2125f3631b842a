"""A national line outside North America that the allowlist lacks (issue 12).

Honest local guides, directories and news pitch a brand's real local lines ("numero verde",
"official", the number repeated and in the address) as spam does, and the allowlist knows few
of them; support-scam call centres advertise North American numbers. So a line outside +1 is
flagged only with a trait of how it is published. The airline is fictional, and so are its
numbers (555 blocks)."""

from __future__ import annotations

from pathlib import Path

import pytest

import allowlist
import detector


def line(number: str, use: str) -> str:
    return (f'\n[[numbers]]\nnumber = "{number}"\nuse = "{use}"\n'
            'source = "https://acmeair.example/contact"\nverified_on = 2026-12-01\n')


ACME = ('name = "Acme Air"\naliases = ["AcmeAir"]\ndomains = ["acmeair.example"]\n'
        'phone_support = true\nsector = "airline"\n')
US_AND_NL = ACME + line("+18335550100", "US reservations") + line("+31205550100", "NL")
NL_ONLY = ACME + line("+31205550100", "NL reservations")

# An Italian guide: the number in the address, pitched as the toll-free line.
ITALIAN_GUIDE = ("Acme Air numero verde: come contattare il servizio clienti\n"
                 "Per parlare con Acme Air chiama il numero verde 800 555 014, gratuito da rete "
                 "fissa. Il servizio clienti Acme Air risponde dalle 8 alle 20. Il numero non è a "
                 "pagamento e gli operatori della compagnia sono disponibili per le prenotazioni, "
                 "per i bagagli e per le modifiche al volo con un solo contatto.")
GUIDE_URL = "https://guide.example.it/acme-air-numero-verde-800-555-014"


@pytest.fixture
def us_and_nl(tmp_path: Path) -> allowlist.Allowlist:
    return load(tmp_path, US_AND_NL)


def load(tmp_path: Path, text: str) -> allowlist.Allowlist:
    folder = tmp_path / "acme"
    folder.mkdir()
    (folder / "acme-air.toml").write_text(text, encoding="utf-8")
    return allowlist.load(folder, bundled=False)


def judge(page: str, al: allowlist.Allowlist, url: str) -> detector.PageReport:
    return detector.analyze(page, url=url, allowlist=al, content_type="text/plain")


def codes(report: detector.PageReport) -> set[str]:
    return {reason.code for reason in report.reasons}


def test_a_local_line_the_allowlist_lacks_is_for_a_person(
        us_and_nl: allowlist.Allowlist) -> None:
    report = judge(ITALIAN_GUIDE, us_and_nl, GUIDE_URL)
    assert report.numbers[0].e164 == "+39800555014"
    assert "number_in_url" in codes(report)  # the trait is there; it is not enough here
    assert report.verdict == "suspicious"
    assert "local_line" in codes(report)


def test_published_like_spam_it_is_flagged_all_the_same(us_and_nl: allowlist.Allowlist) -> None:
    report = judge(ITALIAN_GUIDE, us_and_nl, "https://acme-help.blogspot.com/2026/numero-verde")
    assert "hosted_page" in codes(report)
    assert report.verdict == "flagged"


def test_also_where_the_allowlist_has_the_brand_s_other_local_lines(
        us_and_nl: allowlist.Allowlist) -> None:
    # A directory page of the brand's Dutch service line, repeated three times.
    page = ("Acme Air klantenservice telefoonnummer\nDe officiële Acme Air klantenservice: "
            "020 555 0199. Bel de Acme Air klantenservice op 020 555 0199, of bel 020 555 0199.")
    report = judge(page, us_and_nl, "https://www.helpline-gids.example.nl/acme-air")
    assert report.numbers[0].e164 == "+31205550199"
    assert {"number_repeated", "local_line"} <= codes(report)
    assert report.verdict == "suspicious"


def test_north_american_numbers_are_never_local_lines(tmp_path: Path) -> None:
    page = ("Acme Air reservations number\nCall Acme Air reservations at 1-833-555-0177. "
            "Acme Air booking line 1-833-555-0177, call now: 1-833-555-0177.")
    report = judge(page, load(tmp_path, NL_ONLY), "https://acmeair-booking.example.com/")
    assert report.verdict == "flagged"
    assert "local_line" not in codes(report)
