"""The allowlist package: loading, lookups, and one test per validation rule."""

from __future__ import annotations

import dataclasses
import datetime
import textwrap
import tomllib
from pathlib import Path

import phonenumbers
import pytest

import allowlist

FIXTURES = Path(__file__).parent / "fixtures" / "allowlist"
GOOD = FIXTURES / "good"

# A minimal valid brand file; the rule tests below each break one thing in it.
VALID = """\
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
    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def line_of(text: str, fragment: str, nth: int = 0) -> int:
    """1-based number of the ``nth`` line of ``text`` containing ``fragment``."""
    lines = [number for number, line in enumerate(text.splitlines(), 1) if fragment in line]
    return lines[nth]


def bundled_files() -> list[Path]:
    return sorted(allowlist.DATA_DIR.glob("*.toml"))


# -- the bundled data ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bundled() -> allowlist.Allowlist:
    return allowlist.load()


def test_bundled_data_has_no_blocking_problems() -> None:
    problems = allowlist.validate(today=datetime.date(2026, 12, 3))
    assert [str(problem) for problem in problems if problem.blocking] == []


@pytest.mark.xfail(
    reason="issue 13: British Airways +448444930797 still has one third-party source; Qatar "
    "Airways has no current number"
)
def test_bundled_data_meets_the_provenance_bar() -> None:
    problems = allowlist.validate(today=datetime.date(2026, 12, 3))
    assert [str(problem) for problem in problems] == []


def test_every_bundled_file_is_one_brand(bundled: allowlist.Allowlist) -> None:
    files = bundled_files()
    assert files, "the bundled data folder has no brand files"
    assert len(bundled) == len(files)
    assert sorted(brand.slug for brand in bundled) == [file.stem for file in files]
    for brand in bundled:
        raw = tomllib.loads(Path(brand.file).read_text(encoding="utf-8"))
        assert brand.name == raw["name"]
        assert brand.domains == tuple(domain.lower() for domain in raw.get("domains", []))
        assert len(brand.numbers) == len(raw.get("numbers", []))


def test_bundled_brands_are_sorted_and_iterable(bundled: allowlist.Allowlist) -> None:
    names = [brand.name for brand in bundled]
    assert names == sorted(names, key=str.casefold)
    assert tuple(bundled) == bundled.brands
    assert Path(bundled.path) == allowlist.DATA_DIR


def test_bundled_numbers_round_trip_through_e164(bundled: allowlist.Allowlist) -> None:
    for brand in bundled:
        raw = tomllib.loads(Path(brand.file).read_text(encoding="utf-8"))
        for entry, table in zip(brand.numbers, raw.get("numbers", []), strict=True):
            parsed = phonenumbers.parse(table["number"], "US")
            e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
            assert entry.e164 == e164
            assert entry.brand == brand.name
            assert bundled.number(e164) is entry
            assert bundled.lookup(e164).brand is brand
            assert entry.verified_on == table["verified_on"]
            assert entry.retired == table.get("retired", False)


@pytest.mark.parametrize(
    ("host", "owner"),
    [
        ("accountants.intuit.com", "Intuit QuickBooks"),
        ("www.support.hp.com", "HP"),
        ("hp.com", "HP"),
        ("nothp.com", None),
        ("hp.com.evil.example", None),
        ("https://WWW.Support.HP.com:443/us-en/contact?x=1", "HP"),
        ("support.hp.com.", "HP"),
        ("http://user@accounts.google.com:8080/", "Google"),
        ("xn--pypal-4ve.com", None),  # "pаypal.com" with a Cyrillic а
        ("pаypal.com", None),
        ("", None),
        ("http://[", None),
    ],
)
def test_bundled_domain_owner(bundled: allowlist.Allowlist, host: str, owner: str | None) -> None:
    brand = bundled.domain_owner(host)
    assert (brand.name if brand else None) == owner


def test_bundled_number_lookup_in_several_formats(bundled: allowlist.Allowlist) -> None:
    canon = bundled.brand("Canon")
    assert canon is not None
    for query in ("1-800-OK-CANON", "(800) 652-2666", "+1 800 652 2666", "800.652.2666"):
        result = bundled.lookup(query)
        assert (result.kind, result.query) == ("number", "+18006522666"), query
        assert result.brand is canon
        assert result.entry is bundled.number("+18006522666")
        assert result.entry in canon.numbers


def test_bundled_brand_lookup_by_name_and_slug(bundled: allowlist.Allowlist) -> None:
    intuit = bundled.brand("Intuit QuickBooks")
    assert intuit is not None
    assert bundled.brand("intuit quickbooks") is intuit
    assert bundled.brand("intuit-quickbooks") is intuit
    assert bundled.brand("INTUIT-QUICKBOOKS") is intuit
    assert bundled.brand("no such brand") is None


@pytest.mark.parametrize(
    ("name", "domain"), [("Pinterest", "pinterest.com"), ("Gemini", "gemini.com")]
)
def test_bundled_brands_without_phone_support(
    bundled: allowlist.Allowlist, name: str, domain: str
) -> None:
    brand = bundled.brand(name)
    assert brand is not None
    assert brand.phone_support is False
    assert brand.numbers == ()
    assert bundled.domain_owner(f"https://help.{domain}/contact") is brand
    result = bundled.lookup(domain)
    assert (result.kind, result.brand, result.entry) == ("domain", brand, None)


def test_every_bundled_brand_names_a_sector(bundled: allowlist.Allowlist) -> None:
    assert [b.name for b in bundled.brands if b.sector not in allowlist.SECTORS] == []


def test_sector_is_loaded_and_optional(tmp_path: Path) -> None:
    write(tmp_path, "acme.toml", VALID.replace("phone_support = true",
                                               'phone_support = true\nsector = "printer"'))
    write(tmp_path, "other.toml", 'name = "Other"\n')
    loaded = allowlist.load(tmp_path)
    assert (loaded.brand("Acme").sector, loaded.brand("Other").sector) == ("printer", None)


def test_bundled_digest_is_stable_and_tracks_content(tmp_path: Path) -> None:
    first, second = allowlist.load(), allowlist.load()
    assert first.digest == second.digest
    assert len(first.digest) == 64
    for file in bundled_files():
        (tmp_path / file.name).write_bytes(file.read_bytes())
    assert allowlist.load(tmp_path, bundled=False).digest == first.digest  # names and bytes, not location
    last = max(tmp_path.glob("*.toml"))
    last.write_text(last.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert allowlist.load(tmp_path, bundled=False).digest != first.digest


# -- loading a folder ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def good() -> allowlist.Allowlist:
    return allowlist.load(GOOD, bundled=False)


def test_load_good_fixture(good: allowlist.Allowlist) -> None:
    assert [brand.name for brand in good] == ["Acme Corporation", "Globex", "Initech"]
    acme, globex, initech = good.brands
    assert (acme.slug, acme.phone_support, globex.phone_support, initech.phone_support) == (
        "acme",
        True,
        False,
        None,
    )
    assert acme.aliases == ("ACME", "Acme Corp")
    assert acme.domains == ("acme.example", "shop.acme-corp.example", "bücher.example")
    assert acme.file == str(GOOD / "acme.toml")
    support, uk, old = acme.numbers
    assert support == allowlist.NumberEntry(
        e164="+18002263669",
        brand="Acme Corporation",
        use="customer support",
        source="https://acme.example/contact",
        verified_on=datetime.date(2026, 11, 1),
        retired=False,
        line=line_of((GOOD / "acme.toml").read_text(encoding="utf-8"), '"1-800-ACME-NOW"'),
        sources=("https://acme.example/contact",),
        level="brand",
        layer=str(GOOD),
        file=str(GOOD / "acme.toml"),
    )
    assert (uk.e164, old.retired, initech.numbers[0].use) == ("+442079460123", True, "")


def test_loaded_values_are_frozen(good: allowlist.Allowlist) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        good.brands[0].name = "Evil"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        good.brands[0].numbers[0].retired = True  # type: ignore[misc]


@pytest.mark.parametrize(
    ("query", "kind", "normalised", "owner"),
    [
        ("1-800-ACME-NOW", "number", "+18002263669", "Acme Corporation"),
        ("(800) 226-3669", "number", "+18002263669", "Acme Corporation"),
        ("  +1 800 226 3669 ", "number", "+18002263669", "Acme Corporation"),
        ("+44 20 7946 0123", "number", "+442079460123", "Acme Corporation"),
        ("+1 202 555 0142", "number", "+12025550142", None),
        (
            "https://Shop.ACME-Corp.example:8443/cart",
            "domain",
            "shop.acme-corp.example",
            "Acme Corporation",
        ),
        ("xn--bcher-kva.example", "domain", "bücher.example", "Acme Corporation"),
        ("www.BÜCHER.example.", "domain", "www.bücher.example", "Acme Corporation"),
        ("support@help.globex.example", "domain", "help.globex.example", "Globex"),
        ("acme.example.evil.example", "domain", "acme.example.evil.example", None),
        ("Acme support", "unknown", "Acme support", None),
        ("", "unknown", "", None),
    ],
)
def test_lookup(
    good: allowlist.Allowlist, query: str, kind: str, normalised: str, owner: str | None
) -> None:
    result = good.lookup(query)
    assert (result.kind, result.query) == (kind, normalised)
    assert (result.brand.name if result.brand else None) == owner
    if kind == "number" and owner:
        assert result.entry is good.number(normalised)
    else:
        assert result.entry is None


def test_lookup_names_the_listed_domain_that_matched(good: allowlist.Allowlist) -> None:
    assert good.lookup("a.b.help.globex.example").domain == "help.globex.example"
    assert good.lookup("www.globex.example").domain == "globex.example"


def test_retired_number_is_found_and_flagged(good: allowlist.Allowlist) -> None:
    entry = good.number("+18005550100")
    assert entry is not None and entry.retired
    assert good.number("1-800-555-0100") is None  # number() takes E.164 only; lookup() parses


def test_load_single_file_and_ignore_other_files(tmp_path: Path) -> None:
    single = allowlist.load(GOOD / "globex.toml", bundled=False)
    assert [brand.name for brand in single] == ["Globex"]
    write(tmp_path, "acme.toml", VALID)
    write(tmp_path, "README.md", "not = [a brand")
    assert [brand.name for brand in allowlist.load(tmp_path, bundled=False)] == ["Acme"]


def test_load_raises_with_every_problem(tmp_path: Path) -> None:
    write(tmp_path, "a.toml", VALID.replace('name = "Acme"', "name = 1"))
    write(tmp_path, "b.toml", VALID.replace("+18002263669", "+18005550100").replace("acme", "b"))
    write(tmp_path, "c.toml", 'name = "C"\nphone_support = "no"\n')
    with pytest.raises(allowlist.AllowlistError) as caught:
        allowlist.load(tmp_path, bundled=False)
    problems = caught.value.problems
    assert [(Path(p.file).name, p.line) for p in problems] == [("a.toml", 1), ("c.toml", 2)]
    assert str(caught.value).splitlines() == [str(problem) for problem in problems]
    assert allowlist.validate(tmp_path, bundled=False) == problems


def test_problem_format() -> None:
    problem = allowlist.Problem("data/x.toml", 7, "source is empty")
    assert str(problem) == "data/x.toml:7: source is empty"


# -- one test per validation rule ------------------------------------------------------------


def only_problem(folder: Path) -> allowlist.Problem:
    problems = allowlist.validate(folder, bundled=False)
    assert len(problems) == 1, [str(problem) for problem in problems]
    return problems[0]


@pytest.mark.parametrize(
    ("old", "new", "bad_line", "words"),  # bad_line: a fragment of the line, or its number
    [
        ('name = "Acme"', "", 1, "missing required key 'name'"),
        ('name = "Acme"', 'name = "  "', "name =", "name is empty"),
        ('name = "Acme"', "name = 42", "name =", "name must be a string"),
        ('name = "Acme"', 'name = "Acme"\naliases = "Acme Inc"', "aliases", "array of strings"),
        (
            'name = "Acme"',
            'name = "Acme"\naliases = ["ok", 3]',
            "aliases",
            "aliases[1] must be a string",
        ),
        ('"acme.example"', '"https://acme.example/"', "domains", "not a bare host name"),
        ('"acme.example"', '"localhost"', "domains", "at least one dot"),
        ('"acme.example"', '"acme_corp.example"', "domains", "not a valid host name"),
        ('"acme.example"', '"acme..example"', "domains", "empty label"),
        ('"acme.example"', '"10.0.0.1"', "domains", "IP addresses"),
        ('"acme.example"', '"acme.example", "ACME.example"', "domains", "listed twice"),
        ("phone_support = true", 'phone_support = "no"', "phone_support", "true or false"),
        ("phone_support = true", "phone_support = false", "phone_support", "contradicts"),
        ("phone_support = true", 'phone_support = true\nsector = "airlines"', "sector",
         "unknown sector 'airlines' (did you mean 'airline'?)"),
        ("phone_support = true", 'phone_support = true\nsector = "knitting"', "sector",
         "unknown sector 'knitting' (one of: accounting, airline"),
        ("phone_support = true", "phone_support = true\nsector = 3", "sector",
         "sector must be a string"),
        ('"+18002263669"', '"call us"', "number =", "does not parse as a phone number"),
        ('"+18002263669"', '"+1 123 456 7890"', "number =", "not a valid phone number"),
        ('"+18002263669"', "18002263669", "number =", "number must be a string"),
        ('number = "+18002263669"', "", "[[numbers]]", "missing required key 'number'"),
        (
            'source = "https://acme.example/contact"',
            "",
            "[[numbers]]",
            "missing required key 'source'",
        ),
        ('"https://acme.example/contact"', '""', "source", "source is empty"),
        ('"https://acme.example/contact"', "7", "source", "source must be a string"),
        ('use = "support"', "use = 1", "use =", "use must be a string"),
        ("verified_on = 2026-11-01", "", "[[numbers]]", "missing required key 'verified_on'"),
        ("2026-11-01", '"2026-11-01"', "verified_on", "TOML date, not a string"),
        ("2026-11-01", "2026-11-01T09:30:00Z", "verified_on", "not a date-time"),
        (
            "verified_on = 2026-11-01",
            "verified_on = 2026-11-01\nretired = 1",
            "retired",
            "retired must be true or false",
        ),
        ("use = ", "usage = ", "usage", "unknown key 'usage' (did you mean 'use'?)"),
        ('name = "Acme"', 'name = "Acme"\nwebsite = "x"', "website", "unknown key 'website'"),
        ("[[numbers]]", "[[number]]", "[[number]]", "unknown key 'number'"),
        (VALID[VALID.index("[[numbers]]") :], "numbers = [1]", "numbers =", "[[numbers]] tables"),
        ('name = "Acme"', 'name = "Acme"\naliases = ["a",, "b"]', "aliases", "TOML syntax error"),
        ('name = "Acme"', 'name = "Acme', 'name = "Acme', "TOML syntax error"),
    ],
)
def test_rule(tmp_path: Path, old: str, new: str, bad_line: str | int, words: str) -> None:
    assert old in VALID
    text = VALID.replace(old, new, 1)
    write(tmp_path, "acme.toml", text)
    problems = allowlist.validate(tmp_path, bundled=False)
    line = bad_line if isinstance(bad_line, int) else line_of(text, bad_line)
    expected = (str(tmp_path / "acme.toml"), line)
    assert [(p.file, p.line) for p in problems if words in p.message] == [expected], [
        str(p) for p in problems
    ]


def test_rule_duplicate_number_points_at_second_occurrence(tmp_path: Path) -> None:
    text = (
        VALID + '\n[[numbers]]\nnumber = "800-226-3669"\nsource = "https://acme.example/"\nverified_on = 2026-11-01\n'
    )
    write(tmp_path, "acme.toml", text)
    problem = only_problem(tmp_path)
    assert problem.line == line_of(text, "800-226-3669")
    assert "listed twice" in problem.message
    assert f"line {line_of(text, '+18002263669')}" in problem.message


def test_rule_misspelt_key_reports_the_typo_and_the_missing_key(tmp_path: Path) -> None:
    text = VALID.replace("source =", "sorce =")
    write(tmp_path, "acme.toml", text)
    problems = allowlist.validate(tmp_path, bundled=False)
    assert [(p.line, p.message) for p in problems] == [
        (line_of(text, "[[numbers]]"), "missing required key 'source' in this [[numbers]] table"),
        (line_of(text, "sorce"), "unknown key 'sorce' (did you mean 'source'?)"),
    ]


def test_rule_lines_survive_multiline_values_and_comments(tmp_path: Path) -> None:
    text = '''\
        name = "Acme"  # a comment with "quotes" and [[numbers]]
        aliases = [
            "A # not a comment",
            'literal "quote" [',
        ]
        domains = [
            "acme.example",
            "bad domain.example",
        ]

        [[numbers]]
        number = "+18002263669"
        use = """
        multi-line use, with ] and "quotes"
        """
        source = "https://acme.example/"
        verified_on = 2026-11-01

        [[numbers]]
        number = "+1 123 456 7890"
        source = "https://acme.example/"
        verified_on = 2026-11-01
        '''
    path = write(tmp_path, "acme.toml", text)
    written = path.read_text(encoding="utf-8")
    problems = allowlist.validate(tmp_path, bundled=False)
    assert [p.line for p in problems] == [
        line_of(written, "bad domain.example"),
        line_of(written, "+1 123 456 7890"),
    ]


def test_rule_name_unique_across_files_ignoring_case(tmp_path: Path) -> None:
    write(tmp_path, "a.toml", VALID)
    other = 'phone_support = true\nname = "ACME"\ndomains = ["other.example"]\n'
    write(tmp_path, "b.toml", other)
    problem = only_problem(tmp_path)
    assert (problem.file, problem.line) == (str(tmp_path / "b.toml"), line_of(other, "name"))
    assert "'ACME' is already used by a.toml:1" in problem.message


def test_rule_number_belongs_to_one_brand(tmp_path: Path) -> None:
    write(tmp_path, "a.toml", VALID)
    other = VALID.replace("Acme", "Other").replace("acme", "other")
    other = other.replace('"+18002263669"', '"1 (800) 226-3669"')
    write(tmp_path, "b.toml", other)
    problem = only_problem(tmp_path)
    assert (problem.file, problem.line) == (str(tmp_path / "b.toml"), line_of(other, "number ="))
    assert problem.message == (
        f"number +18002263669 already belongs to Acme (a.toml:{line_of(VALID, 'number =')})"
    )


def test_rule_domain_belongs_to_one_brand(tmp_path: Path) -> None:
    write(tmp_path, "a.toml", VALID)
    other = 'name = "Other"\ndomains = ["other.example", "ACME.example"]\n'
    write(tmp_path, "b.toml", other)
    problem = only_problem(tmp_path)
    assert (problem.file, problem.line) == (str(tmp_path / "b.toml"), 2)
    assert "domain 'acme.example' already belongs to Acme (a.toml:2)" in problem.message


def test_rule_subdomain_of_another_brands_domain(tmp_path: Path) -> None:
    write(tmp_path, "a.toml", 'name = "Shop"\ndomains = ["shop.acme.example"]\n')
    write(tmp_path, "b.toml", VALID)
    problem = only_problem(tmp_path)
    assert (Path(problem.file).name, problem.line) == ("a.toml", 2)
    assert "subdomain of 'acme.example', which belongs to Acme (b.toml:2)" in problem.message


def test_rule_an_alias_names_one_brand_only(tmp_path: Path) -> None:
    write(tmp_path, "a.toml", VALID)
    write(tmp_path, "b.toml", 'name = "Travel Group"\naliases = ["Travel", "ACME"]\n')
    problem = only_problem(tmp_path)
    assert (Path(problem.file).name, problem.line) == ("b.toml", 2)
    assert "alias 'ACME' also names Acme (a.toml:1)" in problem.message
    assert not problem.blocking  # the data still loads; validate fails
    assert allowlist.load(tmp_path, bundled=False).brand("Travel Group") is not None


def test_rule_own_subdomains_are_fine(tmp_path: Path) -> None:
    write(
        tmp_path, "a.toml", VALID.replace('"acme.example"', '"acme.example", "help.acme.example"')
    )
    assert allowlist.validate(tmp_path, bundled=False) == []


def test_rule_folder_without_toml_files(tmp_path: Path) -> None:
    write(tmp_path, "notes.md", "# nothing here")
    problem = only_problem(tmp_path)
    assert (problem.file, problem.line) == (str(tmp_path), 0)
    assert "no .toml files" in problem.message
    with pytest.raises(allowlist.AllowlistError, match=r"no \.toml files"):
        allowlist.load(tmp_path, bundled=False)


def test_rule_missing_folder(tmp_path: Path) -> None:
    missing = tmp_path / "nope"
    problem = only_problem(missing)
    assert (problem.file, problem.message) == (str(missing), "no such file or directory")
    with pytest.raises(allowlist.AllowlistError):
        allowlist.load(missing, bundled=False)


def test_rule_non_utf8_file(tmp_path: Path) -> None:
    (tmp_path / "acme.toml").write_bytes(b'name = "Acme"\naliases = ["Caf\xe9"]\n')
    problem = only_problem(tmp_path)
    assert (problem.line, problem.message) == (2, "not valid UTF-8 text")
