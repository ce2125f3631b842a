"""``scamlines allowlist validate|list|show|lookup`` and the reusable ``--allowlist`` option.

The fixtures' folders are read alone (``--no-bundled-allowlist``) unless a test is about
stacking them on the bundled data.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

import allowlist
from crawler.cli import allowlist_option, cli, load_allowlist
from crawler.cli.allowlist import DEFAULT_MAX_AGE_DAYS
from crawler.cli.common import allowlist_selection

FIXTURES = Path(__file__).parent / "fixtures" / "allowlist"
GOOD = FIXTURES / "good"
BAD = FIXTURES / "bad"
PROBLEM_LINE = re.compile(r"^(?P<file>.+\.toml):(?P<line>\d+): \S.*$")


ALONE = "--no-bundled-allowlist"


@pytest.fixture(autouse=True)
def _no_layers_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(allowlist.ENV_VAR, raising=False)


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
    result = run("validate", ALONE, "--max-age", "100000", str(GOOD))
    brands, numbers, domains = counts(GOOD)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[-1] == f"OK: {brands} brands, {numbers} numbers, {domains} domains"
    assert lines[0].split() == ["brand", "phone", "brand", "corrob", "unverif", "retired",
                                "countries"]  # fmt: skip
    assert lines[1].split() == ["Acme", "Corporation", "yes", "2", "0", "0", "1", "GB", "US"]
    assert lines[3].split() == ["Initech", "?", "1", "0", "0", "0", "US"]
    assert lines[4].startswith("total: 3 current numbers (3 brand, 0 corroborated, ")
    assert lines[5].split()[0] == "country"
    assert [line.split() for line in lines[6:8]] == [
        ["GB", "1", "0", "0", "1", "1"],
        ["US", "2", "0", "0", "2", "2"],
    ]


@pytest.mark.xfail(
    strict=True,
    reason="issue 13: British Airways +448444930797 still has one third-party source only "
    "(dropping it flags corpus page 048, a false positive); Qatar Airways has no current number",
)
def test_validate_bundled_by_default() -> None:
    result = run("validate")
    assert result.exit_code == 0, result.output
    brands, numbers, domains = counts(allowlist.DATA_DIR)
    last = result.stdout.splitlines()[-1]
    assert last.startswith(f"OK: {brands} brands, {numbers} numbers, {domains} domains")
    assert "\ntotal: " in result.stdout
    assert "\ncountry  brand  corrob  unverif  total  brands\n" in result.stdout


def test_validate_stale_numbers_are_warnings_and_max_age_sets_the_age() -> None:
    fresh = run("validate", ALONE, "--max-age", "100000", str(GOOD))
    assert "stale" not in fresh.stdout
    stale = run("validate", ALONE, "--max-age", "0", str(GOOD))
    assert stale.exit_code == 0, stale.output
    acme = GOOD / "acme.toml"
    line = f"{acme}:{line_of(acme, '1-800-ACME-NOW')}: warning: number +18002263669 is stale"
    assert any(row.startswith(line) for row in stale.stdout.splitlines()), stale.stdout
    assert stale.stdout.splitlines()[-1].endswith(" warnings)")


def test_validate_stacks_a_folder_on_the_bundled_data(tmp_path: Path) -> None:
    (tmp_path / "mine.toml").write_text(
        'name = "Canon"\n\n[[numbers]]\nnumber = "+1 202 555 0142"\n'
        'source = "https://canon.com/contact"\nverified_on = 2026-11-01\n',
        encoding="utf-8",
    )
    result = run("validate", str(tmp_path))
    assert str(tmp_path) not in result.stdout  # the layer itself has no problem
    row = next(line for line in result.stdout.splitlines() if line.startswith("Canon "))
    bundled = next(
        line for line in run("validate").stdout.splitlines() if line.startswith("Canon ")
    )
    assert int(row.split()[2]) == int(bundled.split()[2]) + 1


def test_validate_reads_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(allowlist.ENV_VAR, str(BAD))
    result = run("validate")
    assert result.exit_code == 2
    assert f"{BAD / 'broken.toml'}:" in result.stdout


def test_validate_weak_provenance_is_an_error_yet_the_table_is_printed(tmp_path: Path) -> None:
    (tmp_path / "weak.toml").write_text(
        'name = "Weak"\ndomains = ["weak.example"]\n\n[[numbers]]\n'
        'number = "+1 202 555 0142"\nsource = "https://blog.example/numbers"\n'
        "verified_on = 2026-11-01\n",
        encoding="utf-8",
    )
    result = run("validate", ALONE, str(tmp_path))
    assert result.exit_code == 2
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"{tmp_path / 'weak.toml'}:5: number +12025550142 has no brand")
    assert next(line for line in lines if line.startswith("Weak ")).split()[2:5] == ["0", "0", "1"]
    assert lines[-1].startswith("1 problem in 1 file")


def test_validate_bad_folder_lists_every_problem() -> None:
    result = run("validate", ALONE, str(BAD))
    assert result.exit_code == 2
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
    result = run("validate", ALONE, str(tmp_path))
    assert result.exit_code == 2
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
    result = run("list", ALONE, "--allowlist", str(GOOD))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert [line.split("  ")[0] for line in lines] == ["Acme Corporation", "Globex", "Initech"]
    acme, globex, initech = (line.split() for line in lines)
    assert acme[2:6] == ["yes", "3", "numbers", f"[{GOOD}]"]
    assert globex[1:4] == ["no", "0", "numbers"]
    assert initech[1:4] == ["unknown", "1", "number"]
    assert lines[1].endswith("globex.example, help.globex.example")


def test_list_on_the_bundled_data_names_each_brands_layers(tmp_path: Path) -> None:
    (tmp_path / "canon.toml").write_text('name = "Canon"\ndomains = ["canon.example"]\n')
    (tmp_path / "newco.toml").write_text('name = "Newco"\ndomains = ["newco.example"]\n')
    result = run("list", "--allowlist", str(tmp_path))
    assert result.exit_code == 0, result.output
    rows = {line.split("  ")[0]: line for line in result.stdout.splitlines()}
    assert len(rows) == counts(allowlist.DATA_DIR)[0] + 1
    assert f"[bundled+{tmp_path}]" in rows["Canon"] and rows["Canon"].endswith("canon.example")
    assert f"[{tmp_path}]" in rows["Newco"]
    assert "[bundled]" in rows["HP"]


def test_list_json() -> None:
    result = run("list", ALONE, "--allowlist", str(GOOD), "--format", "json")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(row["name"], row["phone_support"], row["number_count"]) for row in rows] == [
        ("Acme Corporation", True, 3),
        ("Globex", False, 0),
        ("Initech", None, 1),
    ]
    assert rows[0]["domains"] == ["acme.example", "shop.acme-corp.example", "bücher.example"]
    assert rows[2]["slug"] == "initech"
    assert (rows[2]["layer"], rows[2]["layers"]) == (str(GOOD), [str(GOOD)])


def test_list_with_a_bad_allowlist_is_an_input_error() -> None:
    result = run("list", ALONE, "--allowlist", str(BAD))
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
    result = run("lookup", ALONE, "--allowlist", str(GOOD), query)
    assert result.exit_code == 0, result.output
    line = result.stdout.strip()
    assert line.startswith(f"{query} (+18002263669): Acme Corporation - customer support;")
    assert "source https://acme.example/contact" in line
    assert "verified_on 2026-11-01" in line
    assert line.endswith(f"level brand; layer {GOOD}; current")


def test_lookup_retired_number() -> None:
    result = run("lookup", ALONE, "--allowlist", str(GOOD), "+18005550100")
    assert result.exit_code == 0
    assert "Acme Corporation - old support line" in result.stdout
    assert "RETIRED" in result.stdout


def test_lookup_several_queries_domains_and_unknowns() -> None:
    queries = ["https://help.globex.example/x", "shop.acme-corp.example", "+1 202 555 0142", "hi"]
    result = run("lookup", ALONE, "--allowlist", str(GOOD), *queries)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        (
            "https://help.globex.example/x (help.globex.example): Globex "
            f"(listed domain help.globex.example, layer {GOOD}; phone support: no)"
        ),
        (
            "shop.acme-corp.example: Acme Corporation "
            f"(listed domain shop.acme-corp.example, layer {GOOD}; phone support: yes)"
        ),
        "+1 202 555 0142 (+12025550142): not in the allowlist",
        "hi: not in the allowlist (not a phone number or domain)",
    ]


def test_lookup_json() -> None:
    result = run(
        "lookup", ALONE, "--allowlist", str(GOOD), "--format", "json", "1-800-ACME-NOW", "nothing.example"
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
        "level": "brand",
        "layer": str(GOOD),
    }
    assert found["layer"] == str(GOOD)
    assert missing == {
        "query": "nothing.example",
        "kind": "domain",
        "normalised": "nothing.example",
        "brand": None,
        "domain": None,
        "layer": None,
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
def count_brands(allowlist_layers: allowlist.Selection) -> None:
    click.echo(len(load_allowlist(allowlist_layers)))


def test_allowlist_option_and_loader_for_other_commands() -> None:
    runner = CliRunner()
    good = runner.invoke(count_brands, [ALONE, "--allowlist", str(GOOD)])
    assert (good.exit_code, good.stdout) == (0, f"{counts(GOOD)[0]}\n")
    bad = runner.invoke(count_brands, [ALONE, "--allowlist", str(BAD)])
    assert bad.exit_code == 2
    problems = allowlist.validate(BAD, bundled=False)
    assert all(str(problem) in bad.stderr for problem in problems)


def test_allowlist_option_stacks_on_the_bundled_data_in_order(tmp_path: Path) -> None:
    runner = CliRunner()
    bundled = counts(allowlist.DATA_DIR)[0]
    assert runner.invoke(count_brands, []).stdout == f"{bundled}\n"
    stacked = runner.invoke(count_brands, ["--allowlist", str(GOOD)])
    assert stacked.stdout == f"{bundled + counts(GOOD)[0]}\n"
    assert runner.invoke(count_brands, [ALONE]).stdout == "0\n"


def test_allowlist_option_reads_the_environment_first(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "newco.toml").write_text('name = "Newco"\ndomains = ["newco.example"]\n')
    monkeypatch.setenv(allowlist.ENV_VAR, f"{GOOD}{os.pathsep}{tmp_path}")
    result = CliRunner().invoke(count_brands, [ALONE])
    assert result.stdout == f"{counts(GOOD)[0] + 1}\n"
    # --allowlist layers go on top of the environment's
    layers = allowlist_selection(["extra"], bundled=False)
    assert layers == allowlist.Selection((str(GOOD), str(tmp_path), "extra"), bundled=False)


def test_max_age_default_is_the_librarys() -> None:
    assert DEFAULT_MAX_AGE_DAYS == allowlist.DEFAULT_MAX_AGE_DAYS


# -- show ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["Acme Corporation", "acme corporation", "ACME", "acme"])
def test_show_text_any_case_name_alias_or_slug(name: str) -> None:
    result = run("show", ALONE, "--allowlist", str(GOOD), name)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == f"Acme Corporation  (layer {GOOD}; file {GOOD / 'acme.toml'})"
    assert "aliases: ACME, Acme Corp" in lines
    assert "domains: acme.example, shop.acme-corp.example, bücher.example" in lines
    assert "phone support: yes" in lines
    assert f"+18002263669 (1-800-ACME-NOW)  US  brand  current  verified 2026-11-01  layer {GOOD}" in (
        lines
    ) or any(line.startswith("+18002263669") and "brand  current" in line for line in lines)
    assert "    use: customer support" in lines
    assert "    source: https://acme.example/contact" in lines
    assert any(line.startswith("+18005550100") and "RETIRED" in line for line in lines)


def test_show_json() -> None:
    result = run("show", ALONE, "--allowlist", str(GOOD), "--format", "json", "Globex")
    assert result.exit_code == 0, result.output
    shown = json.loads(result.stdout)
    assert shown["name"] == "Globex"
    assert shown["phone_support"] is False
    assert shown["phone_support_sources"] == ["https://help.globex.example/contact"]
    assert shown["domains"] == [
        {"domain": "globex.example", "layer": str(GOOD)},
        {"domain": "help.globex.example", "layer": str(GOOD)},
    ]
    assert shown["numbers"] == []
    assert set(shown) >= {"aliases", "sector", "layer", "layers", "file"}


def test_show_bundled_brand_with_a_local_number_names_both_layers(tmp_path: Path) -> None:
    (tmp_path / "canon.toml").write_text(
        'name = "Canon"\n\n[[numbers]]\nnumber = "+1 202 555 0142"\nuse = "local desk"\n'
        'source = "https://canon.com/contact"\nverified_on = 2026-11-01\n',
        encoding="utf-8",
    )
    result = run("show", "--allowlist", str(tmp_path), "--format", "json", "canon")
    assert result.exit_code == 0, result.output
    shown = json.loads(result.stdout)
    assert shown["layers"] == ["bundled", str(tmp_path)]
    layers = {number["e164"]: number["layer"] for number in shown["numbers"]}
    assert layers.pop("+12025550142") == str(tmp_path)
    assert layers and set(layers.values()) == {"bundled"}
    local = next(n for n in shown["numbers"] if n["e164"] == "+12025550142")
    assert (local["level"], local["use"], local["verified_on"]) == ("brand", "local desk", "2026-11-01")


def test_show_unknown_brand_exits_2_with_suggestions() -> None:
    result = run("show", ALONE, "--allowlist", str(GOOD), "Acme Corp.")
    assert result.exit_code == 2
    assert "no brand called 'Acme Corp.'" in result.stderr
    assert "'Acme Corporation'" in result.stderr
    nothing = run("show", ALONE, "--allowlist", str(GOOD), "zzzz")
    assert nothing.exit_code == 2
    assert "did you mean" not in nothing.stderr


def test_allowlist_option_repeats_and_the_later_layer_wins(tmp_path: Path) -> None:
    for folder, use in (("a", "first"), ("b", "second")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "newco.toml").write_text(
            f'name = "Newco"\ndomains = ["newco.example"]\n\n[[numbers]]\n'
            f'number = "+1 202 555 0142"\nuse = "{use}"\n'
            f'source = "https://newco.example/contact"\nverified_on = 2026-11-01\n',
            encoding="utf-8",
        )
    a, b = str(tmp_path / "a"), str(tmp_path / "b")
    result = run("lookup", ALONE, "--allowlist", a, "--allowlist", b, "+12025550142")
    assert result.exit_code == 0, result.output
    assert "Newco - second;" in result.stdout and f"layer {b};" in result.stdout
