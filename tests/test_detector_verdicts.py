"""Judgement: reason codes, verdicts on spam and on hard negatives, and brand detection.

Every page here is written for this file. Scam numbers are valid US toll-free numbers that are
not in the allowlist (checked in test_detector_numbers.py); verified numbers come from
allowlist/data/*.toml.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pytest

import allowlist
import detector
from detector.report import STATUSES, VERDICTS

SCAM = "+18882764410"  #: printed as 1-888-276-4410
SCAM_2 = "+18773325896"  #: printed as 1-877-332-5896
NETFLIX = "+18665797172"  #: Netflix's verified line, printed as 1-866-579-7172


@pytest.fixture(scope="module")
def al() -> allowlist.Allowlist:
    return allowlist.load()


def html(title: str, *paragraphs: str, heading: str | None = None) -> str:
    body = "".join(f"<p>{p}</p>\n" for p in paragraphs)
    h1 = f"<h1>{heading}</h1>\n" if heading else ""
    return (f"<!doctype html><html><head><title>{title}</title></head>"
            f"<body>{h1}{body}</body></html>")


def netflix_spam(number: str = "1-888-276-4410", *extra: str) -> str:
    """A minimal Netflix 'support number' page: one advertised number, no other signals."""
    return html("Netflix Customer Service Number",
                f"Having trouble with Netflix billing? Call {number} to speak with an agent.",
                *extra, heading="Netflix account help")


@dataclass
class Case:
    page: str
    url: str | None = None
    content_type: str | None = None
    kwargs: dict[str, object] = field(default_factory=dict)


def run(case: Case, al: allowlist.Allowlist) -> detector.PageReport:
    return detector.analyze(case.page, url=case.url, allowlist=al,
                            content_type=case.content_type)


def number(report: detector.PageReport, e164: str) -> detector.NumberReport:
    matches = [n for n in report.numbers if n.e164 == e164]
    assert len(matches) == 1, [n.e164 for n in report.numbers]
    return matches[0]


# -- reason codes: present on the trigger page, absent on a minimal control ------------------

FILLER = " ".join(["Travel plans change, and fees depend on the fare you booked."] * 6)
TWO_BRANDS_TITLE = "Expedia and Delta Air Lines customer service"
BIG_COMMENT = "<!--" + "x" * (9 * 1024 * 1024) + "-->"

#: code → (trigger, its verdict, control, its verdict)
REASONS: dict[str, tuple[Case, str, Case, str]] = {
    # An unverified number alone is suspicious; a scam trait besides makes it flagged (issue 12).
    "unverified_number": (
        Case(netflix_spam()), "suspicious",
        Case(netflix_spam("1-866-579-7172")), "clean"),
    "verified_number": (
        Case(netflix_spam("1-866-579-7172")), "clean",
        Case(netflix_spam()), "suspicious"),
    "invalid_number": (
        Case(netflix_spam("+57 1 265 9988")), "suspicious",
        Case(netflix_spam()), "suspicious"),
    "retired_number": (
        Case(html("Microsoft Support", "Locked out? Call Microsoft support at 1-800-668-6536.")),
        "suspicious",
        Case(html("Microsoft Support", "Locked out? Call Microsoft support at 1-800-642-7676.")),
        "clean"),
    "other_brand_number": (
        Case(html("Microsoft Support", "Locked out? Call Microsoft support at 1-888-280-4331.")),
        "suspicious",
        Case(html("Microsoft Support", "Locked out? Call Microsoft support at 1-800-642-7676.")),
        "clean"),
    "toll_free_claim": (
        Case(netflix_spam("1-888-276-4410", "The line is toll-free from anywhere in the US.")),
        "flagged",
        Case(netflix_spam()), "suspicious"),
    "claims_official": (
        Case(netflix_spam("the official Netflix helpline, 1-888-276-4410,")), "flagged",
        # "official" elsewhere on the page does not claim the number is official
        Case(netflix_spam("1-888-276-4410", "Netflix is the official sponsor of the show.")),
        "suspicious"),
    "brand_has_no_phone_support": (
        Case(html("Pinterest Customer Service Number",
                  "Locked out of Pinterest? Call 1-888-276-4410 to speak with an agent.")),
        "flagged",
        Case(netflix_spam()), "suspicious"),
    "obfuscated_number": (
        Case(netflix_spam("1⚚888⚚276⚚4410")), "flagged",
        Case(netflix_spam()), "suspicious"),
    "number_repeated": (
        Case(netflix_spam("1-888-276-4410", "Refunds: call 1-888-276-4410.",
                          "Password resets: call 1-888-276-4410.")), "flagged",
        Case(netflix_spam("1-888-276-4410", "Refunds: call 1-888-276-4410.")), "suspicious"),
    "number_reused_across_brands": (
        Case(html(TWO_BRANDS_TITLE,
                  "Expedia customers can call 1-888-276-4410 to change a booking.",
                  FILLER,
                  "Delta Air Lines passengers can also call 1-888-276-4410 for seat changes.")),
        "flagged",
        Case(html(TWO_BRANDS_TITLE,
                  "Expedia customers can call 1-888-276-4410 to change a booking.",
                  FILLER,
                  "Delta Air Lines passengers can also call 1-877-332-5896 for seat changes.")),
        "suspicious"),
    "brand_in_foreign_domain": (
        Case(html("Flight changes", "American Airlines flight changed? Call 1-888-276-4410."),
             url="https://americanairlinescustomersupport.weebly.com/"), "flagged",
        Case(html("Flight changes", "American Airlines flight changed? Call 1-888-276-4410."),
             url="https://travel-desk-notes.weebly.com/"), "flagged"),
    "urgency_language": (
        Case(netflix_spam("1-888-276-4410", "Call now, agents answer 24/7.")), "flagged",
        Case(netflix_spam()), "suspicious"),
    "number_in_url": (
        Case(netflix_spam(),
             url="https://helpdesk.example.com/netflix-billing-1-888-276-4410-refund"),
        "flagged",
        Case(netflix_spam(), url="https://helpdesk.example.com/netflix-billing-refund"),
        "suspicious"),
    "hosted_page": (
        Case(netflix_spam(), url="https://sites.google.com/view/netflix-billing-desk/home"),
        "flagged",
        Case(netflix_spam(), url="https://www.example.com/netflix-billing-desk"), "suspicious"),
    "official_domain": (
        Case(html("Contact Emirates", "Call Emirates reservations on 1 800 777 3999."),
             url="https://www.emirates.com/us/english/help/contact/"), "official",
        Case(html("Contact Emirates", "Call Emirates reservations on 1 800 777 3999."),
             url="https://emirates-reservations-desk.example.com/contact"), "clean"),
    "allowlist_gap": (
        Case(html("Contact Emirates", "Call Emirates reservations on 1 800 777 3999.",
                  "Group travel desk: 1 877 332 5896."),
             url="https://www.emirates.com/us/english/help/contact/"), "official",
        Case(html("Contact Emirates", "Call Emirates reservations on 1 800 777 3999.",
                  "Accessibility desk: 1 888 320 1576."),
             url="https://www.emirates.com/us/english/help/contact/"), "official"),
    "quoted_as_scam": (
        Case(html("Netflix scam alert",
                  "Fraudsters pretending to be Netflix call from 1-888-276-4410. "
                  "It is a scam: do not call it back, block the number.")), "clean",
        Case(netflix_spam()), "suspicious"),
    "page_truncated": (
        Case(netflix_spam().replace("</body>", BIG_COMMENT + "</body>").encode()), "suspicious",
        Case(netflix_spam().encode()), "suspicious"),
}


@pytest.mark.parametrize("code", sorted(REASONS))
def test_reason_code_present_on_trigger(code: str, al: allowlist.Allowlist) -> None:
    trigger, verdict, _, _ = REASONS[code]
    report = run(trigger, al)
    assert code in report.reason_codes()
    assert report.verdict == verdict


@pytest.mark.parametrize("code", sorted(REASONS))
def test_reason_code_absent_on_control(code: str, al: allowlist.Allowlist) -> None:
    _, _, control, verdict = REASONS[code]
    report = run(control, al)
    assert code not in report.reason_codes()
    assert report.verdict == verdict


def test_minimal_spam_page_has_exactly_one_reason(al: allowlist.Allowlist) -> None:
    report = run(Case(netflix_spam()), al)
    assert report.brands == ["Netflix"]
    assert report.reason_codes() == ["unverified_number"]
    assert (number(report, SCAM).status, number(report, SCAM).brand) == ("unverified", "Netflix")
    assert number(report, SCAM).advertised is True


def test_signals_raise_the_score(al: allowlist.Allowlist) -> None:
    plain = run(Case(netflix_spam()), al)
    loud = run(Case(netflix_spam("our official toll-free line 1⚚888⚚276⚚4410", "Call now!",
                                 "Refunds: 1-888-276-4410. Renewals: 1-888-276-4410.")), al)
    assert (plain.verdict, loud.verdict) == ("suspicious", "flagged")
    assert 0.3 <= plain.score < loud.score <= 1.0
    assert {"toll_free_claim", "claims_official", "obfuscated_number", "number_repeated",
            "urgency_language"} <= set(loud.reason_codes())


def test_statuses_of_each_kind(al: allowlist.Allowlist) -> None:
    page = html("Microsoft Support Numbers",
                "Microsoft support: 1-800-642-7676.",
                "Old Microsoft PhoneFactor line: 1-800-668-6536.",
                "Microsoft billing helpline: 1-888-276-4410.",
                "Microsoft Colombia helpline: +57 1 265 9988.",
                "Microsoft returns desk: 1-888-280-4331.")
    report = run(Case(page), al)
    statuses = {n.e164: n.status for n in report.numbers}
    assert statuses == {
        "+18006427676": "verified", "+18006686536": "retired", SCAM: "unverified",
        "+5712659988": "invalid", "+18882804331": "other_brand"}
    assert set(statuses.values()) == set(STATUSES)
    assert number(report, "+18882804331").owner == "Amazon"
    assert report.verdict == "suspicious"  # brand and number found; no scam trait
    assert {"unverified_number", "invalid_number"} <= set(report.reason_codes())


def test_to_dict_is_json_and_complete(al: allowlist.Allowlist) -> None:
    report = run(Case(netflix_spam("1⚚888⚚276⚚4410"),
                      url="https://netflix-help.example.com/billing"), al)
    data = json.loads(json.dumps(report.to_dict()))
    assert data["verdict"] == "flagged" and data["verdict"] in VERDICTS
    assert data["url"] == "https://netflix-help.example.com/billing"
    assert data["source"] == data["url"]
    assert data["brands"] == ["Netflix"]
    assert 0.6 <= data["score"] <= 1.0
    (entry,) = data["numbers"]
    assert entry["e164"] == SCAM and entry["raw"] == "1⚚888⚚276⚚4410"
    assert (entry["status"], entry["brand"], entry["type"], entry["valid"]) == (
        "unverified", "Netflix", "toll_free", True)
    assert "1⚚888⚚276⚚4410" in entry["context"] or "1-888-276-4410" in entry["context"]
    codes = [r["code"] for r in data["reasons"]]
    assert codes == report.reason_codes()
    assert all(r["message"] for r in data["reasons"])


def test_source_overrides_url(al: allowlist.Allowlist) -> None:
    report = detector.analyze(netflix_spam(), url="https://x.example.com/", allowlist=al,
                              source="pages/netflix.html")
    assert (report.source, report.url, report.domain) == (
        "pages/netflix.html", "https://x.example.com/", "example.com")


# -- hard negatives ---------------------------------------------------------------------------


def test_official_page_with_unlisted_number(al: allowlist.Allowlist) -> None:
    page = html("Customer service plan | Emirates",
                "Call Emirates reservations on 1 800 777 3999 or the accessibility desk on "
                "1 888 320 1576, 24 hours a day.",
                "Groups of ten or more: call our group travel desk on 1 877 332 5896.",
                heading="Contact Emirates")
    report = detector.analyze(page, url="https://www.emirates.com/us/english/help/contact/",
                              allowlist=al)
    assert report.verdict == "official"
    assert report.official_brand == "Emirates"
    assert report.score == 0.0
    assert report.allowlist_gaps == [SCAM_2]
    assert report.reason_codes() == ["official_domain", "allowlist_gap"]
    assert number(report, "+18007773999").status == "verified"
    assert number(report, "+18883201576").status == "verified"


def test_official_page_without_numbers(al: allowlist.Allowlist) -> None:
    page = html("Trust and safety | Gemini",
                "Gemini will never call you. We offer support only through our ticketing "
                "system. Our official support agents never ask for your password.")
    report = detector.analyze(page, url="https://www.gemini.com/trust-and-safety",
                              allowlist=al)
    assert report.verdict == "official"
    assert report.numbers == []
    assert report.reason_codes() == ["official_domain"]


def test_user_content_on_brand_domain_is_not_official(al: allowlist.Allowlist) -> None:
    page = html("Google Customer Support Number",
                "Lost access to Gmail? Call the official Google support number "
                "1-888-276-4410, toll-free, to recover your account.",
                heading="Google Support Helpline")
    report = detector.analyze(page, url="https://sites.google.com/view/gmail-recovery-help",
                              allowlist=al)
    assert report.official_brand is None
    assert report.verdict == "flagged"
    assert "official_domain" not in report.reason_codes()
    assert (number(report, SCAM).status, number(report, SCAM).brand) == ("unverified", "Google")


def test_accurate_directory_with_spammy_words(al: allowlist.Allowlist) -> None:
    page = html("Cash App customer service phone number",
                "Cash App toll-free verified helpline: 1-800-969-1940. Call the Cash App "
                "support team 24/7 for help with payments.",
                "The Cash App customer care number 1 (800) 969-1940 also takes automated "
                "requests. Call now to reach an agent.",
                heading="Cash App Customer Service Phone Number")
    report = detector.analyze(page, url="https://www.helpline-directory.example/us/cash-app",
                              allowlist=al)
    assert report.verdict == "clean"
    assert [(n.e164, n.status, n.count) for n in report.numbers] == [
        ("+18009691940", "verified", 2)]
    assert report.reason_codes() == ["verified_number"]


def test_manual_mirror_quoting_hp_numbers(al: allowlist.Allowlist) -> None:
    page = ("HP DeskJet 840C User's Guide - Getting help\n"
            "For paid support call HP at 900.555.1500 ($2.50 per minute) or 800.999.1148 "
            "($25 per call, charged to a credit card).\n"
            "HP Total Care agents: 1-800-474-6836, Monday to Friday 7:00 AM to 6:00 PM.\n")
    report = detector.analyze(page, url="https://manual-archive.example.org/hp/deskjet-840c/68",
                              allowlist=al, content_type="text/plain")
    assert report.verdict == "clean"
    assert report.brands == ["HP"]
    assert {n.e164: n.status for n in report.numbers} == {
        "+19005551500": "verified", "+18009991148": "verified", "+18004746836": "verified"}


def test_scam_warning_article(al: allowlist.Allowlist) -> None:
    page = ("Microsoft support scam calls: this month's numbers\n"
            "Readers keep getting calls from people claiming to be the Microsoft service "
            "department. These are scam calls: hang up and block the number.\n"
            "Numbers used by the scammers so far: 0012036326614, 0033492145211.\n"
            "Microsoft will never cold call you about a virus. Do not call these numbers "
            "back.\n")
    report = detector.analyze(page, url="https://computer-club.example.org/news/scam-calls",
                              allowlist=al, content_type="text/plain")
    assert report.verdict == "clean"
    assert report.reason_codes() == ["quoted_as_scam"]
    assert {(n.e164, n.warned, n.advertised) for n in report.numbers} == {
        ("+12036326614", True, False), ("+33492145211", True, False)}


def test_news_article_with_verified_corporate_number(al: allowlist.Allowlist) -> None:
    page = ("Yahoo confirms attackers accessed email accounts\n"
            "Yahoo said on Tuesday that attackers had used stolen passwords to get into a "
            "number of accounts. A spokesperson at Yahoo's Sunnyvale headquarters, "
            "(408) 349-3300, said users should change their passwords.\n")
    report = detector.analyze(page, url="https://news.example.com/tech/yahoo-accounts",
                              allowlist=al, content_type="text/plain")
    assert report.verdict == "clean"
    assert [(n.e164, n.status, n.brand) for n in report.numbers] == [
        ("+14083493300", "verified", "Yahoo")]


def test_local_business_with_its_own_number(al: allowlist.Allowlist) -> None:
    page = html("Rosa's Bakery - Contact",
                "Call us at (404) 555-0123 or our catering line 1-888-276-4410 to order a "
                "cake. Open 7:00 AM - 3:00 PM.", heading="Rosa's Bakery")
    report = detector.analyze(page, url="https://rosas-bakery.example.com/contact",
                              allowlist=al)
    assert report.verdict == "clean"
    assert report.brands == []
    assert {n.e164 for n in report.numbers} == {"+14045550123", SCAM}
    assert all(n.brand is None for n in report.numbers)


def test_brand_in_passing_with_shop_number(al: allowlist.Allowlist) -> None:
    page = html("Green Leaf Garden Supply - Contact",
                "Questions about an order? Call our shop on 1-888-276-4410.",
                "We accept Visa, Mastercard and Apple Pay. Free delivery over $75.",
                heading="Green Leaf Garden Supply")
    report = detector.analyze(page, url="https://greenleaf-garden.example.com/contact",
                              allowlist=al)
    assert report.verdict == "clean"
    assert report.brands == []
    assert [n.e164 for n in report.numbers] == [SCAM]


def test_safelinks_wrapped_official_url(al: allowlist.Allowlist) -> None:
    wrapped = ("https://nam02.safelinks.protection.outlook.com/?url=https%3A%2F%2F"
               "www.emirates.com%2Fus%2Fenglish%2Fhelp%2F&data=05%7C01%7Cx&reserved=0")
    page = html("Contact Emirates", "Call Emirates reservations on 1 800 777 3999.")
    report = detector.analyze(page, url=wrapped, allowlist=al)
    assert report.verdict == "official"
    assert report.official_brand == "Emirates"
    assert report.domain == "emirates.com"


def test_user_content_on_brand_domain_is_not_a_foreign_domain(al: allowlist.Allowlist) -> None:
    page = html("Google Customer Support Number",
                "Lost access to Gmail? Call Google support at 1-888-276-4410.")
    report = detector.analyze(page, url="https://sites.google.com/view/gmail-recovery-help",
                              allowlist=al)
    assert report.verdict == "flagged"
    assert "brand_in_foreign_domain" not in report.reason_codes()


EMIRATES_PAGE = html("Contact Emirates", "Call Emirates reservations on 1-888-276-4410.")


@pytest.mark.parametrize("url", [
    pytest.param("https://WWW.EMIRATES.COM/us/help", id="uppercase-host"),
    pytest.param("https://www.emirates.com./us/help", id="trailing-dot"),
    pytest.param("https://www.emirates.com:443/us/help", id="explicit-port"),
    pytest.param("https://www.google.com/url?q=https://www.emirates.com/us/help&sa=D",
                 id="google-redirect"),
    pytest.param("https://l.facebook.com/l.php?u=https%3A%2F%2Fwww.emirates.com%2Fus%2F&h=x",
                 id="facebook-redirect"),
])
def test_official_domain_variants(url: str, al: allowlist.Allowlist) -> None:
    report = detector.analyze(EMIRATES_PAGE, url=url, allowlist=al)
    assert report.verdict == "official"
    assert report.allowlist_gaps == [SCAM]


@pytest.mark.parametrize(("url", "verdict"), [
    # the brand in the host name is a scam trait: flagged
    pytest.param("https://emirates.com.travel-desk.example/help", "flagged",
                 id="brand-as-subdomain"),
    # (a neutral host: "travel-desk" would be a trade's help desk, a trait of its own)
    pytest.param("https://www.emirates.com@news-portal.example/help", "suspicious",
                 id="userinfo"),
    pytest.param("https://www.еmirates.com/help", "flagged", id="cyrillic-idn-lookalike"),
    pytest.param("https://news-portal.example/go?u=https://www.emirates.com/", "suspicious",
                 id="not-a-wrapper"),
    # user content: a scam trait
    pytest.param("https://www.google.com/url?q=https://sites.google.com/view/emirates-desk",
                 "flagged", id="redirect-to-user-content"),
])
def test_lookalike_urls_are_not_official(url: str, verdict: str, al: allowlist.Allowlist) -> None:
    report = detector.analyze(EMIRATES_PAGE, url=url, allowlist=al)
    assert report.official_brand is None
    assert report.verdict == verdict
    assert number(report, SCAM).status == "unverified"


def test_disclaimer_trick_is_still_flagged(al: allowlist.Allowlist) -> None:
    page = html("Norton Customer Support Number",
                "For Norton renewals and refunds call 1-888-276-4410.",
                "Disclaimer: only the numbers listed above are verified by Norton. Avoid "
                "third-party sites and beware of fake numbers.", heading="Norton Helpline")
    report = detector.analyze(page, url="https://antivirus-help-desk.example.net/norton",
                              allowlist=al)
    assert report.verdict == "flagged"
    assert {"unverified_number", "claims_official"} <= set(report.reason_codes())
    assert "quoted_as_scam" not in report.reason_codes()
    scam = number(report, SCAM)
    assert (scam.advertised, scam.warned, scam.status) == (True, False, "unverified")


def test_disclaimer_in_the_number_sentence_is_not_a_warning(al: allowlist.Allowlist) -> None:
    page = html("Norton Customer Support Number",
                "Beware of fake numbers: only the numbers on this page are genuine, so call "
                "Norton at 1-888-276-4410 to avoid scams.", heading="Norton Helpline")
    report = detector.analyze(page, allowlist=al)
    assert report.verdict == "flagged"
    assert number(report, SCAM).warned is False


@pytest.mark.parametrize("sentence", [
    pytest.param("Worried about fraud or phishing on your account? Norton security agents at "
                 "1-888-276-4410 can help.", id="fraud-help-pitch"),
    pytest.param("Got a scam email? Report fraud to Norton by calling 1-888-276-4410.",
                 id="report-fraud-line"),
    pytest.param("Beware of scammers. Norton helpline: 1-888-276-4410.",
                 id="generic-beware-before"),
])
def test_scam_vocabulary_in_a_pitch_is_not_a_warning(sentence: str,
                                                     al: allowlist.Allowlist) -> None:
    page = html("Norton Customer Support Number", sentence, heading="Norton helpline")
    report = detector.analyze(page, allowlist=al)
    assert number(report, SCAM).warned is False
    assert report.verdict == "suspicious"  # brand and number found; no scam trait


# -- brand detection --------------------------------------------------------------------------

NUMBER_PARAGRAPH = "Call the helpline at 1-888-276-4410 for renewal and refund help."


@pytest.mark.parametrize(("title", "brand"), [
    pytest.param("Nortton Antivirus Helpline", "Norton", id="misspelling"),
    pytest.param("Nоrton Antivirus Helpline", "Norton", id="cyrillic-o"),
    pytest.param("Cоinbаse Wallet Support", "Coinbase", id="cyrillic-o-and-a"),
    pytest.param("micros0ft support desk", "Microsoft", id="leetspeak"),
    pytest.param("mcafee antivirus helpline", "McAfee", id="lowercase"),
    pytest.param("NORTON ANTIVIRUS HELPLINE", "Norton", id="uppercase"),
    pytest.param("Coinbse Wallet Support", "Coinbase", id="dropped-letter"),
    pytest.param("Robinhod help desk", "Robinhood", id="misspelled-no-phone-brand"),
])
def test_brand_in_title(title: str, brand: str, al: allowlist.Allowlist) -> None:
    report = detector.analyze(html(title, NUMBER_PARAGRAPH), allowlist=al)
    assert report.brands == [brand]
    # brand and number found; no scam trait, unless the brand has no phone support at all
    no_phone_support = al.brand(brand).phone_support is False
    assert report.verdict == ("flagged" if no_phone_support else "suspicious")
    assert number(report, SCAM).brand == brand


@pytest.mark.parametrize("title", [
    pytest.param("Nor\u200bton Antivirus Helpline", id="zero-width-space"),
    pytest.param("Ｎｏｒｔｏｎ Antivirus Helpline", id="fullwidth"),
])
def test_disguised_brand_in_title(title: str, al: allowlist.Allowlist) -> None:
    report = detector.analyze(html(title, NUMBER_PARAGRAPH), allowlist=al)
    assert report.brands == ["Norton"]


def test_capital_i_for_l_homoglyph(al: allowlist.Allowlist) -> None:
    page = html("PayPaI Customer Service", "PayPaI account limited? " + NUMBER_PARAGRAPH,
                heading="PayPaI Help")
    assert detector.analyze(page, allowlist=al).brands == ["PayPal"]


def test_brand_only_in_url_slug(al: allowlist.Allowlist) -> None:
    report = detector.analyze(html("Helpline", NUMBER_PARAGRAPH), allowlist=al,
                              url="https://kb.example.com/articles/how-to-cancel-mcafee-renewal")
    assert report.brands == ["McAfee"]
    assert report.verdict == "suspicious"  # brand and number found; no scam trait


def test_brand_in_host_label(al: allowlist.Allowlist) -> None:
    report = detector.analyze(html("Helpline", NUMBER_PARAGRAPH), allowlist=al,
                              url="https://coinbasewalletsupport.blogspot.com/2024/05/help.html")
    assert report.brands == ["Coinbase"]
    assert "brand_in_foreign_domain" in report.reason_codes()


def test_no_brand_anywhere(al: allowlist.Allowlist) -> None:
    report = detector.analyze(html("Antivirus Helpline", NUMBER_PARAGRAPH), allowlist=al,
                              url="https://kb.example.com/articles/renewal-help")
    assert report.brands == []
    assert report.verdict == "clean"
    assert number(report, SCAM).brand is None


@pytest.mark.parametrize("phrase", [
    "my brother gave me his old printer",
    "grandma's apple pie recipe",
    "united we stand",
    "the spirit of the season",
    "the river delta floods every spring",
    "a car chase scene",
    "a meta analysis of studies",
    "frontier towns of the west",
    "booking a table for two",
])
def test_weak_aliases_in_lower_case_are_not_brands(phrase: str,
                                                   al: allowlist.Allowlist) -> None:
    page = html("Notes", f"{phrase}. Again, {phrase}!", NUMBER_PARAGRAPH)
    report = detector.analyze(page, allowlist=al)
    assert report.brands == []
    assert report.verdict == "clean"


@pytest.mark.parametrize(("text", "brand"), [
    pytest.param("Brother printer offline? Brother support", "Brother", id="brother"),
    pytest.param("Apple ID locked? Apple support", "Apple", id="apple"),
    pytest.param("United Airlines flight cancelled? United Airlines support", "United Airlines",
                 id="united-airlines"),
])
def test_capitalised_brand_is_detected(text: str, brand: str, al: allowlist.Allowlist) -> None:
    page = html(f"{brand} Helpline", f"{text}: {NUMBER_PARAGRAPH}")
    report = detector.analyze(page, allowlist=al)
    assert report.brands == [brand]
    assert report.verdict == "suspicious"  # brand and number found; no scam trait
