"""``scamlines report --format md``: a summary that renders as inert text.

The summary is rendered with markdown-it-py's GitHub-like preset (raw HTML on, tables,
linkify of bare URLs), the way a ticket system would show it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import lxml.html
import pytest
from markdown_it import MarkdownIt
from reporthelp import PAYLOAD_NUMBER, run_cli

from reports.markdown import defang, md_escape

pytestmark = pytest.mark.slow


@pytest.fixture
def markdown(report_db: Path) -> str:
    result = run_cli("report", "--format", "md", "--db", report_db)
    assert result.exit_code == 0, result.output
    return result.stdout


def render(text: str) -> Any:
    return lxml.html.fragment_fromstring(MarkdownIt("gfm-like").render(text), create_parent="div")


def test_summary_counts(markdown: str) -> None:
    assert "**6** findings: 6 flagged." in markdown
    assert "| Amazon | 3 | 3 | 0 |" in markdown
    assert "| Norton | 1 | 1 | 0 |" in markdown
    assert f"| {PAYLOAD_NUMBER} | unverified | toll_free | 1 | Norton |" in markdown


def test_page_content_renders_as_text(markdown: str) -> None:
    doc = render(markdown)
    assert doc.xpath("//script | //img | //a | //iframe") == []
    # The only attributes are the tables' column alignment.
    styles = {value for el in doc.iter() for name, value in el.attrib.items() if name == "style"}
    assert styles <= {"text-align:right"}
    assert all(set(el.attrib) <= {"style"} for el in doc.iter())
    text = doc.text_content()
    # Shown as text, with the dot between two words bracketed like every host name.
    assert "Norton Support <script>document[.]title='pwned';" in text
    assert "<a href=\"javascript:document[.]title='pwned'\">Toll Free</a>" in text


def test_flagged_table_keeps_its_shape(markdown: str) -> None:
    doc = render(markdown)
    flagged = doc.xpath("//h2[.='Flagged findings']/following-sibling::table[1]")[0]
    rows = flagged.xpath(".//tbody/tr")
    assert len(rows) == 6
    assert all(len(row.xpath("./td")) == 7 for row in rows)


def test_urls_are_defanged(markdown: str) -> None:
    assert "](" not in markdown
    assert "http://" not in markdown
    assert "hxxp://amazon-care-helpdesk[.]blogspot[.]com:" in markdown


@pytest.mark.parametrize(
    ("value", "escaped"),
    [
        ("toll_free", "toll_free"),
        ("_emphasis_ *strong*", r"\_emphasis\_ \*strong\*"),
        ("[click](javascript:alert(1))", r"\[click\]\(javascript:alert\(1\)\)"),
        ("<img src=x onerror=alert(1)>", r"\<img src=x onerror=alert\(1\)\>"),
        ("a | b", r"a \| b"),
        ("see http://evil.example/x or www.evil.example", r"see hxxp://evil\[.\]example/x or www\[.\]evil\[.\]example"),
        ("two\nlines\r\n here", "two lines here"),
        ("`code` ~~gone~~ $x$ &amp;", r"\`code\` \~\~gone\~\~ \$x\$ \&amp;"),
        ("bell\x07 and \x1b[31mred", "bell and [31mred".replace("[", r"\[")),
    ],
)  # fmt: skip
def test_md_escape(value: str, escaped: str) -> None:
    assert md_escape(value) == escaped


def test_md_escape_renders_back_to_the_same_text() -> None:
    nasty = "<b>x</b> [l](javascript:a) ![i](i.png) *a* _b_ `c` | ~d~ &lt; $e$ \\*"
    doc = render(f"| t |\n| --- |\n| {md_escape(nasty)} |\n")
    # The same text, but for the bracketed dot a bare host name gets ("i[.]png").
    assert doc.xpath("//td")[0].text_content() == nasty.replace("i.png", "i[.]png")
    assert doc.xpath("//b | //a | //img | //em | //code | //del") == []


def test_defang() -> None:
    assert defang("https://evil.example.com/a_b(c)") == r"hxxps://evil[.]example[.]com/a_b\(c\)"
    assert defang("evil.example") == "evil[.]example"
