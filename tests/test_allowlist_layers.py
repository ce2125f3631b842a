"""Allowlist layers (analyst folders on top of the bundled data), provenance levels, freshness."""

from __future__ import annotations

import datetime
import os
import textwrap
from pathlib import Path

import pytest

import allowlist
import detector

CANON_PAGE = """<html><head><title>Canon Printer Support Number</title></head><body>
<h1>Canon printer customer support</h1>
<p>Call Canon support toll free at 1-800-828-4040 for help with your Canon printer, 24/7.</p>
</body></html>"""

ONE_NUMBER = """\
name = "Canon"

[[numbers]]
number = "1-800-828-4040"
use = "support line an analyst checked"
source = "https://www.usa.canon.com/support/contact"
verified_on = 2026-12-01
"""

BRAND = """\
name = "Acme"
domains = ["acme.example"]
phone_support = true

[[numbers]]
number = "+18002263669"
use = "support"
source = "https://acme.example/contact"
verified_on = 2026-11-01
"""


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def line_of(text: str, fragment: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if fragment in line)


def test_a_local_number_turns_a_flagged_page_clean_without_copying_bundled_files(
    tmp_path: Path,
) -> None:
    write(tmp_path, "canon.toml", ONE_NUMBER)
    url = "https://printer-help.example/canon"
    before = detector.analyze(CANON_PAGE, url=url, allowlist=allowlist.load())
    after = detector.analyze(CANON_PAGE, url=url, allowlist=allowlist.load(tmp_path))
    assert before.verdict == "flagged"
    assert after.verdict == "clean"
    assert list(tmp_path.iterdir()) == [tmp_path / "canon.toml"]


def test_same_name_extends_the_bundled_brand(tmp_path: Path) -> None:
    write(tmp_path, "x.toml", ONE_NUMBER.replace('name = "Canon"', 'name = "canon"\n'
          'aliases = ["Canon helpdesk"]\ndomains = ["canon-help.example"]'))
    bundled, stacked = allowlist.load(), allowlist.load(tmp_path)
    canon, before = stacked.brand("Canon"), bundled.brand("Canon")
    assert canon is not None and before is not None
    assert len(stacked) == len(bundled)
    assert canon.numbers[: len(before.numbers)] == tuple(
        entry for entry in before.numbers
    ) or len(canon.numbers) == len(before.numbers) + 1
    entry = stacked.number("+18008284040")
    assert entry is not None and entry.brand == "Canon"
    assert (entry.layer, entry.level) == (str(tmp_path), "brand")  # usa.canon.com is Canon's
    assert "Canon helpdesk" in canon.aliases
    assert stacked.domain_owner("www.canon-help.example") is canon
    assert canon.domain_layer("canon-help.example") == str(tmp_path)
    assert canon.domain_layer("canon.com") == "bundled"
    assert canon.layers == ("bundled", str(tmp_path))
    assert canon.layer == "bundled"


def test_new_brand_file_adds_a_brand(tmp_path: Path) -> None:
    write(tmp_path, "acme.toml", BRAND)
    stacked = allowlist.load(tmp_path)
    assert len(stacked) == len(allowlist.load()) + 1
    acme = stacked.brand("Acme")
    assert acme is not None and acme.layer == str(tmp_path)
    assert stacked.layers == ("bundled", str(tmp_path))


def test_upper_layer_retires_a_bundled_number_with_its_own_source(tmp_path: Path) -> None:
    retire = """\
        name = "Coinbase"

        [[numbers]]
        number = "+18889087930"
        use = "old support line"
        source = "https://help.coinbase.com/en/contact-us"
        verified_on = 2026-12-02
        retired = true
        """
    write(tmp_path, "coinbase.toml", retire)
    assert allowlist.load().number("+18889087930").retired is False  # type: ignore[union-attr]
    entry = allowlist.load(tmp_path).number("+18889087930")
    assert entry is not None
    assert (entry.retired, entry.source, entry.layer) == (
        True,
        "https://help.coinbase.com/en/contact-us",
        str(tmp_path),
    )


def test_layers_stack_in_order_and_the_top_one_wins(tmp_path: Path) -> None:
    write(tmp_path / "a", "acme.toml", BRAND)
    write(tmp_path / "b", "acme.toml", BRAND.replace('"support"', '"support, rechecked"'))
    entry = allowlist.load(tmp_path / "a", tmp_path / "b", bundled=False).number("+18002263669")
    assert entry is not None and (entry.use, entry.layer) == ("support, rechecked", str(tmp_path / "b"))


def test_number_of_another_brand_in_an_upper_layer_is_a_file_line_problem(tmp_path: Path) -> None:
    text = BRAND.replace("+18002263669", "+18004746836")  # HP's, in the bundled data
    path = write(tmp_path, "acme.toml", text)
    with pytest.raises(allowlist.AllowlistError) as caught:
        allowlist.load(tmp_path)
    # Only this file's problem: the bundled data's own state is another test's business.
    [problem] = [p for p in caught.value.problems if p.file == str(path)]
    assert (problem.file, problem.line) == (str(path), line_of(text, "number ="))
    assert problem.message.startswith("number +18004746836 already belongs to HP (bundled: hp.toml:")


def test_domain_of_another_brand_in_an_upper_layer_is_a_problem(tmp_path: Path) -> None:
    text = BRAND.replace('"acme.example"', '"acme.example", "support.hp.com"')
    path = write(tmp_path, "acme.toml", text)
    problems = allowlist.validate(tmp_path)
    assert [(p.file, p.line) for p in problems if p.file == str(path)] == [
        (str(path), line_of(text, "domains"))
    ]


def test_no_bundled_allowlist_starts_empty() -> None:
    empty = allowlist.load(bundled=False)
    assert len(empty) == 0 and empty.layers == ()


def test_paths_from_env() -> None:
    value = os.pathsep.join(["/a", "", "/b"])
    assert allowlist.paths_from_env({"SCAMLINES_ALLOWLIST": value}) == ["/a", "/b"]
    assert allowlist.paths_from_env({}) == []


# -- provenance ------------------------------------------------------------------------------


def levels(folder: Path) -> dict[str, str]:
    return {e.e164: e.level for b in allowlist.load(folder, bundled=False) for e in b.numbers}


def test_level_brand_from_a_source_on_the_brands_domain(tmp_path: Path) -> None:
    write(tmp_path, "acme.toml", BRAND.replace("https://acme.example", "https://help.acme.example"))
    assert levels(tmp_path) == {"+18002263669": "brand"}


def test_level_corroborated_needs_two_independent_domains(tmp_path: Path) -> None:
    two = 'sources = ["https://a.example/x", "https://www.b.example/y"]'
    write(tmp_path, "acme.toml", BRAND.replace('source = "https://acme.example/contact"', two))
    assert levels(tmp_path) == {"+18002263669": "corroborated"}


def test_two_pages_of_one_site_are_one_source(tmp_path: Path) -> None:
    same = 'sources = ["https://a.example/x", "https://blog.a.example/y"]'
    text = BRAND.replace('source = "https://acme.example/contact"', same)
    write(tmp_path, "acme.toml", text)
    loaded = allowlist.load(tmp_path, bundled=False)  # loads: weak provenance does not block
    assert levels(tmp_path) == {"+18002263669": "unverified"}
    [problem] = [p for p in allowlist.validate(tmp_path, bundled=False) if p.severity == "error"]
    assert problem.line == line_of(text, "number =") and not problem.blocking
    assert "no brand source and fewer than two independent ones (a.example)" in problem.message
    assert [str(p) for p in loaded.notices] == [str(problem)]


def test_brand_document_needs_its_title(tmp_path: Path) -> None:
    manual = 'source = "https://manuals.example/acme-x100"\nsource_kind = "brand-document"'
    text = BRAND.replace('source = "https://acme.example/contact"', manual)
    write(tmp_path, "acme.toml", text)
    [problem] = allowlist.validate(tmp_path, bundled=False)
    assert "needs document" in problem.message and problem.blocking
    write(tmp_path, "acme.toml", text + 'document = "Acme X100 user guide"\n')
    assert levels(tmp_path) == {"+18002263669": "brand"}


def test_archived_copy_of_a_brand_page_is_the_brands(tmp_path: Path) -> None:
    archived = "https://web.archive.org/web/20200101000000/https://acme.example/contact"
    write(tmp_path, "acme.toml", BRAND.replace("https://acme.example/contact", archived))
    assert levels(tmp_path) == {"+18002263669": "brand"}


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ('["1-800-ACME-NOW"]', "reads as +18002263669, not +18002263670"),
        ('["18002263670"]', "must be a string with letters"),
    ],
)
def test_vanity_must_read_as_the_number(tmp_path: Path, value: str, words: str) -> None:
    text = BRAND.replace("+18002263669", "+18002263670") + f"vanity = {value}\n"
    write(tmp_path, "acme.toml", text)
    [problem] = allowlist.validate(tmp_path, bundled=False)
    assert words in problem.message and problem.line == line_of(text, "vanity")


def test_vanity_and_country_accepted(tmp_path: Path) -> None:
    write(tmp_path, "acme.toml", BRAND + 'vanity = ["1-800-ACME-NOW"]\ncountry = "CA"\n')
    entry = allowlist.load(tmp_path, bundled=False).number("+18002263669")
    assert entry is not None and (entry.vanity, entry.region) == (("1-800-ACME-NOW",), "CA")


def test_source_must_be_a_url(tmp_path: Path) -> None:
    write(tmp_path, "acme.toml", BRAND.replace('"https://acme.example/contact"', '"the website"'))
    [problem] = allowlist.validate(tmp_path, bundled=False)
    assert problem.message == "source 'the website' is not an http(s) URL"


def test_phone_support_false_needs_a_source(tmp_path: Path) -> None:
    write(tmp_path, "g.toml", 'name = "G"\ndomains = ["g.example"]\nphone_support = false\n')
    [problem] = allowlist.validate(tmp_path, bundled=False)
    assert (problem.line, problem.blocking) == (3, False)
    assert "needs phone_support_source" in problem.message
    write(tmp_path, "g.toml", 'name = "G"\ndomains = ["g.example"]\nphone_support = false\n'
          'phone_support_source = "https://help.g.example/contact"\n')
    assert allowlist.validate(tmp_path, bundled=False) == []
    brand = allowlist.load(tmp_path, bundled=False).brand("G")
    assert brand is not None and brand.phone_support_level == "brand"


# -- freshness and coverage ------------------------------------------------------------------


def test_stale_numbers_are_warnings(tmp_path: Path) -> None:
    write(tmp_path, "acme.toml", BRAND)
    today = datetime.date(2027, 12, 1)
    [problem] = allowlist.validate(tmp_path, bundled=False, today=today)
    assert problem.severity == "warning" and "is stale" in problem.message
    assert str(problem).split(": ", 1)[1].startswith("warning: number +18002263669 is stale")
    assert allowlist.validate(tmp_path, bundled=False, today=today, max_age_days=800) == []


def test_phone_support_without_numbers_is_a_warning(tmp_path: Path) -> None:
    write(tmp_path, "acme.toml", 'name = "Acme"\ndomains = ["acme.example"]\nphone_support = true\n')
    [problem] = allowlist.validate(tmp_path, bundled=False)
    assert (problem.severity, problem.message) == (
        "warning",
        "Acme has phone_support = true but no current number",
    )


def test_provenance_table_and_brand_details() -> None:
    from allowlist.summary import brand_details, provenance_rows, provenance_table, render_brand

    bundled = allowlist.load()
    rows = {row["name"]: row for row in provenance_rows(bundled)}
    assert rows["Coinbase"]["countries"] == ["AU", "DE", "ES", "GB", "IE", "US"]
    assert rows["Coinbase"]["brand"] == 9
    table = provenance_table(bundled)
    assert table.splitlines()[0].split()[:3] == ["brand", "phone", "brand"]
    assert table.splitlines()[-1].startswith("total: ")
    jetblue = bundled.brand("JetBlue")
    assert jetblue is not None
    details = brand_details(jetblue)
    assert details["numbers"][0]["vanity"] == ["1-800-JETBLUE"]
    assert details["numbers"][0]["level"] == "brand"
    assert details["domains"] == [{"domain": "jetblue.com", "layer": "bundled"}]
    assert "+18005382583 (1-800-JETBLUE)  US  brand  current" in render_brand(jetblue)
