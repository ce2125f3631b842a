"""``scamlines allowlist validate|list|lookup`` and the reusable ``--allowlist`` option."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

import allowlist
from crawler.cli import allowlist_option, cli, load_allowlist

FIXTURES = Path(__file__).parent / "fixtures" / "allowlist"
GOOD = FIXTURES / "good"
BAD = FIXTURES / "bad"
PROBLEM_LINE = re.compile(r"^(?P<file>.+\.toml):(?P<line>\d+): \S.*$")


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, ["allowlist", *args])


def counts(folder: Path) -> tuple[int, int, int]:
    """Brands, numbers and domains in a folder, read straight from the TOML."""
    documents = [tomllib.loads(f.read_text(encoding="utf-8")) for f in folder.glob("*.toml")]
    numbers = sum(len(document.get("numbers", [])) for document in documents)
    domains = sum(len(document.get("domains", [])) for document in documents)
    return len(documents), numbers, domains


def line_of(path: Path, fragment: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if fragment in line)


# -- validate --------------------------------------------------------------------------------


def test_validate_good_folder() -> None:
    result = run("validate", str(GOOD))
    brands, numbers, domains = counts(GOOD)
    assert result.exit_code == 0, result.output
    assert result.stdout == f"OK: {brands} brands, {numbers} numbers, {domains} domains\n"


def test_validate_bundled_by_default() -> None:
    result = run("validate")
    assert result.exit_code == 0, result.output
    brands, numbers, domains = counts(allowlist.DATA_DIR)
    assert result.stdout == f"OK: {brands} brands, {numbers} numbers, {domains} domains\n"


def test_validate_bad_folder_lists_every_problem() -> None:
    result = run("validate", str(BAD))
    assert result.exit_code == 1
    *problems, summary = result.stdout.splitlines()
    assert problems and all(PROBLEM_LINE.match(line) for line in problems), problems
    files = {PROBLEM_LINE.match(line)["file"] for line in problems}  # type: ignore[index]
    assert files == {str(BAD / "broken.toml"), str(BAD / "copycat.toml")}
    assert summary == f"{len(problems)} problems in 2 files"
    broken = BAD / "broken.toml"
    assert f"{broken}:{line_of(broken, 'sorce')}: unknown key 'sorce'" in result.stdout
    assert f"{broken}:{line_of(broken, 'phone_support')}: phone_support must be" in result.stdout
    copycat = BAD / "copycat.toml"
    assert f"{copycat}:{line_of(copycat, 'domains')}: domain 'acme.example' already" in (
        result.stdout
    )


def test_validate_empty_folder(tmp_path: Path) -> None:
    result = run("validate", str(tmp_path))
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"{tmp_path}:0: no .toml files in this folder",
        "1 problem in 1 file",
    ]


def test_validate_missing_folder_is_a_usage_error(tmp_path: Path) -> None:
    result = run("validate", str(tmp_path / "missing"))
    assert result.exit_code == 2
    assert "does not exist" in result.output


# -- list ------------------------------------------------------------------------------------


def test_list_text() -> None:
    result = run("list", "--allowlist", str(GOOD))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert [line.split("  ")[0] for line in lines] == ["Acme Corporation", "Globex", "Initech"]
    acme, globex, initech = (line.split() for line in lines)
    assert acme[2:5] == ["yes", "3", "numbers"]
    assert globex[1:4] == ["no", "0", "numbers"]
    assert initech[1:4] == ["unknown", "1", "number"]
    assert lines[1].endswith("globex.example, help.globex.example")


def test_list_json() -> None:
    result = run("list", "--allowlist", str(GOOD), "--format", "json")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(row["name"], row["phone_support"], row["number_count"]) for row in rows] == [
        ("Acme Corporation", True, 3),
        ("Globex", False, 0),
        ("Initech", None, 1),
    ]
    assert rows[0]["domains"] == ["acme.example", "shop.acme-corp.example", "bücher.example"]
    assert rows[2]["slug"] == "initech"


def test_list_with_a_bad_allowlist_is_an_input_error() -> None:
    result = run("list", "--allowlist", str(BAD))
    assert result.exit_code == 2
    assert result.stdout == ""
    broken = BAD / "broken.toml"
    assert f"{broken}:{line_of(broken, 'sorce')}: unknown key 'sorce'" in result.stderr
    assert "Traceback" not in result.output


# -- lookup ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query", ["1-800-ACME-NOW", "(800) 226-3669", "+1 800 226 3669", "1.800.226.3669"]
)
def test_lookup_number_formats(query: str) -> None:
    result = run("lookup", "--allowlist", str(GOOD), query)
    assert result.exit_code == 0, result.output
    line = result.stdout.strip()
    assert line.startswith(f"{query} (+18002263669): Acme Corporation - customer support;")
    assert "source https://acme.example/contact" in line
    assert "verified_on 2026-11-01" in line
    assert line.endswith("current")


def test_lookup_retired_number() -> None:
    result = run("lookup", "--allowlist", str(GOOD), "+18005550100")
    assert result.exit_code == 0
    assert "Acme Corporation - old support line" in result.stdout
    assert "RETIRED" in result.stdout


def test_lookup_several_queries_domains_and_unknowns() -> None:
    queries = ["https://help.globex.example/x", "shop.acme-corp.example", "+1 202 555 0142", "hi"]
    result = run("lookup", "--allowlist", str(GOOD), *queries)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        (
            "https://help.globex.example/x (help.globex.example): Globex "
            "(listed domain help.globex.example; phone support: no)"
        ),
        (
            "shop.acme-corp.example: Acme Corporation "
            "(listed domain shop.acme-corp.example; phone support: yes)"
        ),
        "+1 202 555 0142 (+12025550142): not in the allowlist",
        "hi: not in the allowlist (not a phone number or domain)",
    ]


def test_lookup_json() -> None:
    result = run(
        "lookup", "--allowlist", str(GOOD), "--format", "json", "1-800-ACME-NOW", "nothing.example"
    )
    assert result.exit_code == 0, result.output
    found, missing = (json.loads(line) for line in result.stdout.splitlines())
    assert found["query"] == "1-800-ACME-NOW"
    assert (found["kind"], found["normalised"], found["brand"]) == (
        "number",
        "+18002263669",
        "Acme Corporation",
    )
    assert found["entry"] == {
        "e164": "+18002263669",
        "use": "customer support",
        "source": "https://acme.example/contact",
        "verified_on": "2026-11-01",
        "retired": False,
    }
    assert missing == {
        "query": "nothing.example",
        "kind": "domain",
        "normalised": "nothing.example",
        "brand": None,
        "domain": None,
        "entry": None,
    }


def test_lookup_vanity_number_in_bundled_data() -> None:
    result = run("lookup", "1-800-OK-CANON", "https://www.support.hp.com/us-en")
    assert result.exit_code == 0, result.output
    canon, hp = result.stdout.splitlines()
    assert canon.startswith("1-800-OK-CANON (+18006522666): Canon - ")
    assert hp.startswith("https://www.support.hp.com/us-en (www.support.hp.com): HP ")


@pytest.mark.parametrize(
    "args",
    [
        ["lookup"],
        ["lookup", "--allowlist", "/nonexistent/allowlist", "hp.com"],
        ["list", "--format", "xml"],
    ],
)
def test_usage_errors_exit_2(args: list[str]) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert "Traceback" not in result.output


# -- the reusable option and loader ----------------------------------------------------------


@click.command()
@allowlist_option
def count_brands(allowlist_path: str | None) -> None:
    click.echo(len(load_allowlist(allowlist_path)))


def test_allowlist_option_and_loader_for_other_commands() -> None:
    runner = CliRunner()
    good = runner.invoke(count_brands, ["--allowlist", str(GOOD)])
    assert (good.exit_code, good.stdout) == (0, f"{counts(GOOD)[0]}\n")
    bad = runner.invoke(count_brands, ["--allowlist", str(BAD)])
    assert bad.exit_code == 2
    problems = allowlist.validate(BAD)
    assert all(str(problem) in bad.stderr for problem in problems)
