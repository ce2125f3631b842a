"""Input handling: HTML structure, number sources, hostile markup, binary and broken encodings,
oversized pages. Nothing here may raise anything but ``detector.UnsupportedContent``."""

from __future__ import annotations

import codecs
import random

import pytest

import allowlist
import detector
from detector.decode import MAX_BYTES

SCAM = "+18882764410"  #: printed as 1-888-276-4410
SCAM_2 = "+18773325896"  #: printed as 1-877-332-5896


@pytest.fixture(scope="module")
def al() -> allowlist.Allowlist:
    return allowlist.load()


def sources(report: detector.PageReport) -> dict[str, list[str]]:
    return {n.e164: n.sources for n in report.numbers}


# -- HTML structure and number sources -------------------------------------------------------

SOURCES_PAGE = """<!doctype html>
<html lang="en"><head>
<title>Norton Renewal Help</title>
<script>var support = "1-844-907-3315"; trackCall("1-866-983-2207");</script>
<style>.phone::after { content: "1-833-441-0972"; }</style>
<script type="application/ld+json">
{"@context": "https://schema.org", "@type": "Organization", "name": "Renewal Help Desk",
 "contactPoint": {"@type": "ContactPoint", "telephone": "+1-866-555-1212",
                  "contactType": "customer support"}}
</script>
</head><body>
<h1>Norton renewal help</h1>
<p>Questions about a Norton renewal charge? Call 1-888-276-4410.</p>
<p><a href="tel:+18773325896">Tap to call our billing desk</a></p>
<template><p>Template line 1-855-412-8890</p></template>
<noscript>Enable scripts.</noscript>
<script>document.write("1-800-276-4410");</script>
</body></html>"""


def test_script_and_style_numbers_are_not_text(al: allowlist.Allowlist) -> None:
    report = detector.analyze(SOURCES_PAGE, allowlist=al)
    found = sources(report)
    for hidden in ("+18449073315", "+18669832207", "+18334410972", "+18554128890",
                   "+18002764410"):
        assert hidden not in found


def test_tel_and_jsonld_sources(al: allowlist.Allowlist) -> None:
    report = detector.analyze(SOURCES_PAGE, allowlist=al)
    assert sources(report) == {SCAM: ["text"], SCAM_2: ["tel"], "+18665551212": ["jsonld"]}
    assert report.brands == ["Norton"]
    tel = next(n for n in report.numbers if n.e164 == SCAM_2)
    assert (tel.status, tel.advertised, tel.raw) == ("unverified", True, "+18773325896")
    assert report.language == "en"
    assert report.title == "Norton Renewal Help"


def test_broken_jsonld_still_yields_telephone(al: allowlist.Allowlist) -> None:
    page = ("<html><head><title>Norton help</title><script type='application/ld+json'>"
            '{"@type": "Organization", "telephone": "+1 877 332 5896", oops}'
            "</script></head><body><p>Norton renewals.</p></body></html>")
    report = detector.analyze(page, allowlist=al)
    assert sources(report) == {SCAM_2: ["jsonld"]}


def test_same_number_in_text_and_tel_link(al: allowlist.Allowlist) -> None:
    page = ("<html><head><title>Norton help</title></head><body><p>Norton billing: "
            "<a href='tel:1-888-276-4410'>1-888-276-4410</a></p></body></html>")
    report = detector.analyze(page, allowlist=al)
    assert sources(report) == {SCAM: ["tel", "text"]}
    assert report.numbers[0].count == 1


def test_number_in_title_and_meta_description(al: allowlist.Allowlist) -> None:
    page = ("<html><head><title>Norton Support 1-888-276-4410</title>"
            "<meta name='description' content='Norton billing line 1-877-332-5896'>"
            "</head><body><p>Norton renewals explained.</p></body></html>")
    report = detector.analyze(page, allowlist=al)
    assert sources(report) == {SCAM: ["title"], SCAM_2: ["meta"]}


@pytest.mark.parametrize("cells", [
    pytest.param("<td>800</td><td>555</td><td>0199</td>", id="td"),
    pytest.param("<th>888</th><th>276</th><th>4410</th>", id="th"),
    pytest.param("<td>1</td><td>888</td><td>276</td><td>4410</td>", id="four-cells"),
])
def test_table_cells_do_not_glue_into_a_number(cells: str, al: allowlist.Allowlist) -> None:
    page = (f"<html><body><h1>Norton price list</h1><table><tr>{cells}</tr></table>"
            "</body></html>")
    report = detector.analyze(page, allowlist=al)
    assert report.numbers == []
    assert report.verdict == "clean"


def test_block_elements_do_not_glue_into_a_number(al: allowlist.Allowlist) -> None:
    page = "<html><body><div>1-888</div><div>276-4410</div><li>888</li><li>2764410</li></body></html>"
    assert detector.analyze(page, allowlist=al).numbers == []


def test_inline_elements_inside_a_number_are_joined(al: allowlist.Allowlist) -> None:
    page = ("<html><body><h1>Norton help</h1><p>Call <b>1-888</b>-<span>276</span>-"
            "<i>4410</i> now.</p></body></html>")
    report = detector.analyze(page, allowlist=al)
    assert [n.e164 for n in report.numbers] == [SCAM]


def test_comment_keeps_its_tail_text(al: allowlist.Allowlist) -> None:
    page = ("<html><body><h1>Norton help</h1><p>Norton billing <!-- 1-866-983-2207 -->"
            "call 1-888-276-4410 today</p></body></html>")
    report = detector.analyze(page, allowlist=al)
    assert [n.e164 for n in report.numbers] == [SCAM]
    assert "call 1-888-276-4410 today" in report.numbers[0].context


def test_script_tail_text_is_kept(al: allowlist.Allowlist) -> None:
    page = ("<html><body><h1>Norton help</h1><p>Norton billing <script>x()</script>"
            "call 1-888-276-4410 today</p></body></html>")
    report = detector.analyze(page, allowlist=al)
    assert [n.e164 for n in report.numbers] == [SCAM]


@pytest.mark.parametrize("page", [
    pytest.param("<html><body><div><p>Norton support<div>call 1-888-276-4410</span></div>"
                 "</div></div></td><h1>Norton help<p>more", id="unclosed-and-stray"),
    pytest.param("<p>Norton support</div></div></div> call 1-888-276-4410 <b><i>Norton "
                 "renewals</b>", id="fragment"),
    pytest.param("<html><<<body>>> Norton support <p class=x\" id=>Norton renewals, call "
                 "1-888-276-4410 <p>ok", id="broken-attributes"),
    pytest.param("<?xml version='1.0'?><html><head><title>Norton help</title></head><body>"
                 "<p>Norton support: call 1-888-276-4410</p></body></html>",
                 id="xml-declaration"),
    pytest.param("<html><body><table><tr><td>Norton help<td>Norton support<tr>"
                 "<td>call 1-888-276-4410</table></table></body></html></html>",
                 id="unclosed-table-cells"),
])
def test_malformed_html(page: str, al: allowlist.Allowlist) -> None:
    report = detector.analyze(page, allowlist=al)
    assert [n.e164 for n in report.numbers] == [SCAM]
    assert report.brands == ["Norton"]
    assert report.verdict == "flagged"


def test_only_comments(al: allowlist.Allowlist) -> None:
    report = detector.analyze("<!-- 1-888-276-4410 --><!-- nothing -->", allowlist=al)
    assert report.verdict == "clean"


DEPTH = 50_000


def _deep(inner: str) -> str:
    return ("<html><head><title>Norton help</title></head><body>"
            "<p>Norton billing: call 1-877-332-5896.</p>"
            + "<div>" * DEPTH + inner + "</div>" * DEPTH + "</body></html>")


def test_deeply_nested_page_does_not_crash(al: allowlist.Allowlist) -> None:
    report = detector.analyze(_deep("Call Norton support at 1-888-276-4410"), allowlist=al)
    assert report.brands == ["Norton"]
    assert SCAM_2 in {n.e164 for n in report.numbers}


@pytest.mark.parametrize("depth", [300, DEPTH])
def test_number_nested_deeply_is_found(depth: int, al: allowlist.Allowlist) -> None:
    page = ("<html><head><title>Norton help</title></head><body>"
            + "<div>" * depth + "Call Norton support at 1-888-276-4410" + "</div>" * depth
            + "</body></html>")
    assert SCAM in {n.e164 for n in detector.analyze(page, allowlist=al).numbers}


def test_plain_text_page(al: allowlist.Allowlist) -> None:
    text = "Norton Renewal Helpline\n\nCancel Norton? Call 1-888-276-4410 <b>today</b>.\n"
    report = detector.analyze(text, allowlist=al, content_type="text/plain")
    assert report.title == "Norton Renewal Helpline"
    assert [n.e164 for n in report.numbers] == [SCAM]
    assert report.verdict == "flagged"


# -- unsupported input -----------------------------------------------------------------------

BINARY = [
    pytest.param(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10", "PNG", id="png"),
    pytest.param(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >>", "PDF", id="pdf"),
    pytest.param(b"GIF89a\x01\x00\x01\x00\x00\xff\x00", "GIF", id="gif"),
    pytest.param(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "JPEG", id="jpeg"),
    pytest.param(b"PK\x03\x04\x14\x00\x00\x00", "ZIP", id="zip"),
    pytest.param(b"\x1f\x8b\x08\x00\x00\x00\x00\x00", "gzip", id="gzip"),
    pytest.param(random.Random(7).randbytes(2000) + b"\x00\x00call 1-888-276-4410", "binary",
                 id="random-with-nuls"),
]


@pytest.mark.parametrize(("data", "kind"), BINARY)
def test_binary_input_is_unsupported(data: bytes, kind: str, al: allowlist.Allowlist) -> None:
    with pytest.raises(detector.UnsupportedContent, match=rf"binary content \({kind}") as info:
        detector.analyze(data, allowlist=al)
    assert "not a web page" in str(info.value)
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize("data", [
    pytest.param(b"", id="empty-bytes"),
    pytest.param("", id="empty-str"),
    pytest.param(b"  \r\n\t \n", id="whitespace-bytes"),
    pytest.param(" \n\u00a0\u2003 ", id="whitespace-str"),
    pytest.param(codecs.BOM_UTF8, id="bom-only"),
    pytest.param(codecs.BOM_UTF8 + b"\n\n   ", id="bom-and-whitespace"),
])
def test_empty_input_is_unsupported(data: bytes | str, al: allowlist.Allowlist) -> None:
    with pytest.raises(detector.UnsupportedContent, match="empty"):
        detector.analyze(data, allowlist=al)


# -- encodings -------------------------------------------------------------------------------

PAGE = ("<html><head>{meta}<title>Norton Café renewal help</title></head><body>"
        "<h1>Norton help</h1><p>Don’t wait — call Norton support at 1-888-276-4410 "
        "“today”.</p></body></html>")
ASCII_PUNCT = str.maketrans({"’": "'", "—": "-", "“": '"', "”": '"'})


def _check(report: detector.PageReport) -> None:
    assert report.brands == ["Norton"]
    assert [n.e164 for n in report.numbers] == [SCAM]
    assert report.verdict == "flagged"


@pytest.mark.parametrize(("data", "content_type"), [
    pytest.param(PAGE.format(meta="").translate(ASCII_PUNCT).encode("latin-1"), None,
                 id="latin-1-no-charset"),
    pytest.param(PAGE.format(meta="").encode("cp1252"), None, id="cp1252-smart-quotes"),
    pytest.param(PAGE.format(meta="").encode("cp1252"), "text/html; charset=windows-1252",
                 id="cp1252-declared-in-header"),
    pytest.param(codecs.BOM_UTF16_LE + PAGE.format(meta="").encode("utf-16-le"), None,
                 id="utf-16-le-bom"),
    pytest.param(codecs.BOM_UTF16_BE + PAGE.format(meta="").encode("utf-16-be"), None,
                 id="utf-16-be-bom"),
    pytest.param(codecs.BOM_UTF8 + PAGE.format(meta="").encode(), None, id="utf-8-bom"),
    pytest.param(PAGE.format(meta='<meta charset="x-klingon-42">').encode(), None,
                 id="unknown-meta-charset"),
    pytest.param(PAGE.format(meta='<meta charset="x-klingon-42">').translate(ASCII_PUNCT)
                 .encode("latin-1"), None, id="unknown-meta-charset-latin-1"),
    pytest.param(PAGE.format(meta="").encode(), "text/html; charset=bogus-9",
                 id="unknown-header-charset"),
    pytest.param(PAGE.format(meta="").encode().replace("Café".encode(), b"Caf\xc3\x28\xff"),
                 None, id="invalid-utf-8-sequence"),
    pytest.param(PAGE.format(meta="").encode()[:-30] + b"\xe2\x80", None,
                 id="truncated-utf-8-character"),
])
def test_broken_encodings(data: bytes, content_type: str | None,
                          al: allowlist.Allowlist) -> None:
    _check(detector.analyze(data, allowlist=al, content_type=content_type))


def test_cp1252_title_is_decoded(al: allowlist.Allowlist) -> None:
    report = detector.analyze(PAGE.format(meta="").encode("cp1252"), allowlist=al)
    assert report.title == "Norton Café renewal help"
    assert "Don’t wait — call" in report.numbers[0].context


def test_utf16_page_is_read(al: allowlist.Allowlist) -> None:
    data = codecs.BOM_UTF16_LE + PAGE.format(meta="").encode("utf-16-le")
    report = detector.analyze(data, allowlist=al)
    assert report.title == "Norton Café renewal help"


@pytest.mark.parametrize("text", [
    pytest.param("Norton Help\nNorton support: donâ€™t wait, call 1-888-276-4410 now.\n",
                 id="cp1252-mojibake"),
    pytest.param("Norton Help\nNorton support â€“ call â˜Ž 1-888-276-4410 â€” 24/7.\n",
                 id="mojibake-around-number"),
])
def test_mojibake_text(text: str, al: allowlist.Allowlist) -> None:
    report = detector.analyze(text.encode(), allowlist=al, content_type="text/plain")
    _check(report)
    assert "â€" not in report.numbers[0].context


def test_mojibake_is_repaired(al: allowlist.Allowlist) -> None:
    text = "Norton Help\nNorton support: donâ€™t wait, call 1-888-276-4410 now.\n"
    report = detector.analyze(text.encode(), allowlist=al, content_type="text/plain")
    assert "don’t wait" in report.numbers[0].context


def test_one_bad_byte_does_not_hide_fullwidth_number(al: allowlist.Allowlist) -> None:
    page = ("<html><head><title>Norton support</title></head><body>\n"
            "<h1>Norton help</h1>\n<p>Prices in \xa3 and \xe9 below.</p>\n"
            "<p>Call Norton support at １-８８８-２７６-４４１０ today.</p>\n</body></html>")
    data = page.encode("utf-8").replace("\xa3".encode(), b"\xa3")  # one stray Latin-1 byte
    assert [n.e164 for n in detector.analyze(data, allowlist=al).numbers] == [SCAM]


def test_str_and_bytes_agree(al: allowlist.Allowlist) -> None:
    page = PAGE.format(meta="")
    as_str = detector.analyze(page, allowlist=al).to_dict()
    as_bytes = detector.analyze(page.encode(), allowlist=al).to_dict()
    assert as_str == as_bytes


# -- oversized pages -------------------------------------------------------------------------

HEAD = (b"<html><head><title>Norton Customer Support</title></head><body>"
        b"<h1>Norton helpline</h1><p>Call Norton support at 1-888-276-4410 now.</p>\n")
TAIL = b"<p>Late Norton line 1-877-332-5896.</p></body></html>"


def test_twenty_megabyte_page_is_truncated(al: allowlist.Allowlist) -> None:
    paragraph = (b"<p>" + b"Renewal plans, refunds and device limits are explained below. " * 16
                 + b"</p>\n")
    data = HEAD + paragraph * (20_000_000 // len(paragraph)) + TAIL
    assert len(data) > 2 * MAX_BYTES
    report = detector.analyze(data, allowlist=al)
    assert report.reason_codes()[-1] == "page_truncated"
    assert [n.e164 for n in report.numbers] == [SCAM]  # the late number is past the cap
    assert report.verdict == "flagged"


@pytest.mark.parametrize("offset", [0, 1, 2])
def test_page_cut_inside_a_multibyte_character(offset: int, al: allowlist.Allowlist) -> None:
    # "☎" is three bytes in UTF-8: the cap lands before it, or on its second or third byte.
    pad = MAX_BYTES - len(HEAD) - len(b"<p>") - offset
    data = HEAD + b"<p>" + b"x" * pad + "☎ renewals ☎</p>".encode() * 10 + TAIL
    assert data[:MAX_BYTES].endswith((b"x", b"\xe2", b"\xe2\x98"))
    report = detector.analyze(data, allowlist=al)
    assert report.reason_codes()[-1] == "page_truncated"
    assert [n.e164 for n in report.numbers] == [SCAM]


def test_twenty_megabyte_str_is_truncated(al: allowlist.Allowlist) -> None:
    text = (HEAD.decode() + "<!--" + " " * 20_000_000 + "-->" + TAIL.decode())
    report = detector.analyze(text, allowlist=al)
    assert "page_truncated" in report.reason_codes()
    assert [n.e164 for n in report.numbers] == [SCAM]
