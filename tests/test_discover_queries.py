"""Query generation: templates from TOML, brands from the allowlist, languages."""

from __future__ import annotations

from pathlib import Path

import pytest

import allowlist
from crawler.discovery.queries import (
    DEFAULT_QUERIES,
    Query,
    QueryError,
    build_queries,
    load_templates,
    select_brands,
)


@pytest.fixture(scope="module")
def al() -> allowlist.Allowlist:
    return allowlist.load()


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "queries.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_bundled_templates_load_and_each_names_the_brand() -> None:
    templates = load_templates()
    assert DEFAULT_QUERIES.is_file()
    assert "en" in templates
    assert "{brand} customer care number" in templates["en"]
    assert "{brand} toll free number" in templates["en"]
    assert "{brand} refund phone number" in templates["en"]
    assert "{brand} helpline" in templates["en"]
    for language, values in templates.items():
        assert values, language
        assert all("{brand}" in value for value in values)


def test_queries_for_one_brand_by_alias_any_case(al: allowlist.Allowlist) -> None:
    brands = select_brands(al, ["amazon prime"])  # an alias of Amazon
    assert [b.name for b in brands] == ["Amazon"]
    queries = build_queries(brands, load_templates(), ["en"])
    assert Query("Amazon customer care number", "Amazon", "en") in queries
    assert Query("Amazon toll free number", "Amazon", "en") in queries
    assert {q.brand for q in queries} == {"Amazon"}
    assert {q.language for q in queries} == {"en"}


def test_every_brand_by_default_and_duplicates_collapse(al: allowlist.Allowlist) -> None:
    assert len(select_brands(al)) == len(al)
    both = select_brands(al, ["PayPal", "paypal", "AMAZON"])
    assert [b.name for b in both] == ["PayPal", "Amazon"]


def test_several_languages(al: allowlist.Allowlist, tmp_path: Path) -> None:
    path = write(tmp_path, '[en]\ntemplates = ["{brand} helpline"]\n'
                           '[es]\ntemplates = ["{brand} línea de ayuda"]\n')  # fmt: skip
    queries = build_queries(select_brands(al, ["Netflix"]), load_templates(path), ["en", "es"])
    assert [(q.text, q.language) for q in queries] == [
        ("Netflix helpline", "en"),
        ("Netflix línea de ayuda", "es"),
    ]


def test_unknown_brand_is_an_error_naming_it(al: allowlist.Allowlist) -> None:
    with pytest.raises(QueryError, match="'Acme Widgets'"):
        select_brands(al, ["Acme Widgets"])


def test_unknown_language_lists_the_known_ones(al: allowlist.Allowlist) -> None:
    with pytest.raises(QueryError, match=r"'xx'.*have: .*en"):
        build_queries(select_brands(al, ["Netflix"]), load_templates(), ["xx"])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[en]\ntemplates = ["customer care number"]\n', "no {brand} placeholder"),
        ('[en]\ntemplates = ["{brand} {product} number"]\n', "unknown placeholder {product}"),
        ('[en]\ntemplates = ["{brand number"]\n', "bad braces"),
        ('[en]\ntemplates = []\n', "non-empty list"),
        ('[en]\ntemplates = [3]\n', "must be strings"),
        ('[en]\nqueries = ["{brand}"]\n', "exactly one key"),
        ("en = 1\n", "exactly one key"),
        ("[en\n", "not valid TOML"),
        ("", "no language tables"),
    ],
)
def test_bad_template_files_are_explained(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(QueryError, match=message.replace("{", r"\{").replace("}", r"\}")):
        load_templates(write(tmp_path, text))


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(QueryError, match="no such queries file"):
        load_templates(tmp_path / "nope.toml")
