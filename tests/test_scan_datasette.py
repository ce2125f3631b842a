"""The Datasette metadata shipped for analysts: every canned query runs on a real store and
answers what its title says; every table is described. The first tests read the queries with
plain sqlite3 (with the plugin's ``scamlines_text`` function); the last ones load the metadata
and the plugin in Datasette itself, over a store a crawl of the fixture sites wrote."""

from __future__ import annotations

import asyncio
import json
import re
import sqlite3
import tomllib
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from crawlhelp import SCAM_HOST
from reporthelp import PAYLOAD_HOST
from scanhelp import DELTA_N1, DELTA_N2, N1, N2, N3, UNITED_N1, A, B, C, page, printed, run

from crawler.browse import page_text
from crawler.scans.triage import triage
from crawler.store import TABLES, open_store

METADATA = Path(__file__).parent.parent / "crawler" / "data" / "datasette-metadata.json"


@pytest.fixture(scope="module")
def metadata() -> dict[str, Any]:
    return json.loads(METADATA.read_text(encoding="utf-8"))["databases"]["scamlines"]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Four scans: B gone in scan 2 and back in 3; N1 for two brands; C a false positive."""
    path = tmp_path_factory.mktemp("datasette") / "scamlines.db"
    with open_store(path) as store:
        run(store, {A: DELTA_N1, B: DELTA_N2, C: UNITED_N1})
        run(store, {A: DELTA_N1, C: UNITED_N1})
        run(store, {A: DELTA_N1, B: DELTA_N2, C: UNITED_N1})
        triage(store, next(f["id"] for f in store.findings() if f["url"] == C),
               "false_positive", "a reseller")  # fmt: skip
        run(store, {A: DELTA_N1, B: DELTA_N2, C: page("United Airlines", N1, N3)})
    return path


def execute(db: Path, sql: str, **params: Any) -> list[dict[str, Any]]:
    """Run a canned query; its :named parameters default to "" (as Datasette's empty form)."""
    values = dict.fromkeys(re.findall(r"(?<!:):(\w+)", sql), "") | params
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    conn.create_function("scamlines_text", 2, page_text)
    try:
        return [dict(row) for row in conn.execute(sql, values)]
    finally:
        conn.close()


def test_every_canned_query_runs(db: Path, metadata: dict[str, Any]) -> None:
    assert len(metadata["queries"]) >= 3
    for name, query in metadata["queries"].items():
        assert query["title"] and query["description"], name
        execute(db, query["sql"])  # raises on any SQL error


def test_new_flagged_today(db: Path, metadata: dict[str, Any]) -> None:
    found = execute(db, metadata["queries"]["new_flagged_today"]["sql"])
    # C is a false positive: not listed even though it is flagged again.
    assert sorted(row["url"] for row in found) == [A, B]


def test_numbers_on_more_than_one_brand(db: Path, metadata: dict[str, Any]) -> None:
    found = execute(db, metadata["queries"]["numbers_on_more_than_one_brand"]["sql"])
    assert [(row["e164"], row["brand_count"], row["pages"]) for row in found] == [(N1, 2, 2)]


def test_findings_back_after_being_gone(db: Path, metadata: dict[str, Any]) -> None:
    found = execute(db, metadata["queries"]["findings_back_after_being_gone"]["sql"])
    assert [(row["url"], row["scans_missed"]) for row in found] == [(B, 1)]


def test_number_clusters_and_false_positives(db: Path, metadata: dict[str, Any]) -> None:
    clusters = execute(db, metadata["queries"]["number_clusters"]["sql"])
    assert [row["e164"] for row in clusters] == [N1]
    dismissed = execute(db, metadata["queries"]["dismissed_false_positives"]["sql"])
    assert [(row["url"], row["e164"], row["note"]) for row in dismissed] == [(C, N1, "a reseller")]
    latest = execute(db, metadata["queries"]["latest_scan_flagged"]["sql"])
    assert {row["url"] for row in latest} == {A, B, C}
    assert {N2} <= {n for row in latest for n in json.loads(row["numbers"])}


def test_every_table_is_described(db: Path, metadata: dict[str, Any]) -> None:
    tables = {row["name"] for row in execute(db, "SELECT name FROM sqlite_master "
                                             "WHERE type = 'table' AND name NOT LIKE '\\_%' "
                                             "ESCAPE '\\' AND name NOT LIKE 'sqlite%'")}  # fmt: skip
    assert set(TABLES) <= tables
    assert set(metadata["tables"]) == tables
    assert all(table["description"] for table in metadata["tables"].values())


def test_page_evidence_is_readable(db: Path, metadata: dict[str, Any]) -> None:
    found = execute(db, metadata["queries"]["page_evidence"]["sql"], url="united-care")
    assert {row["url"] for row in found} == {C}
    assert {row["e164"] for row in found} == {N1, N3}
    assert all(isinstance(row["context"], str) and row["context"] for row in found)
    assert all(row["read_the_text_with"] == f"scamlines show page:{row['page_id']} --body"
               for row in found)  # fmt: skip
    assert len(execute(db, metadata["queries"]["page_evidence"]["sql"])) > len(found)


def test_page_text_is_readable(db: Path, metadata: dict[str, Any]) -> None:
    sql = metadata["queries"]["page_text"]["sql"]
    assert execute(db, sql) == []  # nothing until a URL is given: no full-store decompression
    [found] = execute(db, sql, url="united-care")
    assert found["url"] == C and found["text_source"] == "served"
    assert isinstance(found["text"], str)
    assert printed(N1) in found["text"] and printed(N3) in found["text"]
    assert "United Airlines customer care helpline" in found["text"]
    assert "<p>" not in found["text"] and "<a href" not in found["text"]  # text, not markup
    lines = found["sightings"].splitlines()
    assert {line.split()[0] for line in lines} == {N1, N3}
    assert all("United Airlines" in line for line in lines)
    assert any(f'printed "{printed(N1)}" (text, ' in line for line in lines)


@pytest.mark.parametrize("value", [None, 42, "text", b"", b"not zlib", zlib.compress(b""),
                                   zlib.compress(b"%PDF-1.7 \x00\x01binary"),
                                   zlib.compress(b"\x00" * 100)])  # fmt: skip
def test_page_text_never_fails_on_odd_values(value: Any) -> None:
    assert page_text(value, "text/html") is None


def test_page_text_is_capped() -> None:
    from detector.decode import MAX_BYTES

    huge = zlib.compress(b"<p>call 1-888-555-0199</p>" + b"a" * (2 * MAX_BYTES))
    text = page_text(huge, "text/html")
    assert text is not None and "1-888-555-0199" in text and len(text) <= MAX_BYTES


# --- in Datasette itself -------------------------------------------------------------------------
# The store a crawl of the fixture sites wrote, opened by Datasette with the shipped metadata
# and the plugin, read through Datasette's in-process client (no server, no network).

@pytest.fixture(scope="module")
def browse_plugin() -> Iterator[None]:
    """``crawler.browse`` registered as the ``datasette`` entry point registers it when
    scamlines is installed (already there in that case: then left alone)."""
    from datasette.plugins import pm

    import crawler.browse

    registered = pm.is_registered(crawler.browse)
    if not registered:
        pm.register(crawler.browse, name="scamlines")
    yield
    if not registered:
        pm.unregister(crawler.browse)


@pytest.fixture
def crawled(report_db: Path, browse_plugin: None) -> Path:
    """The crawled store as ``scamlines.db``: Datasette names a database after its file, and
    the metadata describes the database ``scamlines``."""
    return report_db.rename(report_db.with_name("scamlines.db"))


def datasette_get(db: Path, *paths: str) -> list[Any]:
    """GET each path from a Datasette serving ``db`` with the shipped metadata."""
    from datasette.app import Datasette

    async def get() -> list[Any]:
        ds = Datasette([str(db)], metadata=json.loads(METADATA.read_text(encoding="utf-8")))
        await ds.invoke_startup()
        return [await ds.client.get(path) for path in paths]

    return asyncio.run(get())


@pytest.mark.slow
def test_datasette_loads_the_metadata(crawled: Path, metadata: dict[str, Any]) -> None:
    tables = sorted(metadata["tables"])
    database, plugins, *pages = datasette_get(
        crawled, "/scamlines.json", "/-/plugins.json",
        *(f"/scamlines/{table}.json?_size=1" for table in tables),
    )  # fmt: skip
    assert database.status_code == 200
    assert {q["name"] for q in database.json()["queries"]} == set(metadata["queries"])
    # "scamlines" (the distribution) when installed, the module's name when registered here.
    [plugin] = [p for p in plugins.json() if p["name"] in ("scamlines", "crawler.browse")]
    assert plugin["hooks"] == ["prepare_connection"]
    for table, response in zip(tables, pages, strict=True):
        assert response.status_code == 200, table
        described = metadata["tables"][table]
        # Every facet the metadata sets is a column Datasette can facet on.
        assert set(response.json()["facet_results"]) == set(described.get("facets", [])), table
        if "sort_desc" in described:  # a column Datasette sorts by
            wanted = f"sorted by {described['sort_desc']} descending"
            assert response.json()["human_description_en"] == wanted, table


@pytest.mark.slow
def test_every_canned_query_runs_in_datasette(crawled: Path, metadata: dict[str, Any]) -> None:
    names = sorted(metadata["queries"])
    responses = datasette_get(crawled, *(f"/scamlines/{name}.json?url=contact" for name in names))
    for name, response in zip(names, responses, strict=True):
        assert response.status_code == 200, (name, response.text[:500])
        assert response.json()["ok"] is True, name


@pytest.mark.slow
def test_datasette_shows_a_page_text_and_sightings(crawled: Path) -> None:
    """The fake number in the page's text and in its sightings' context: text, not a blob."""
    url = "/scamlines/page_text.json?_shape=array&url=/contact.html"
    [response] = datasette_get(crawled, url)
    [found] = [row for row in response.json() if SCAM_HOST in row["url"]]
    assert found["url"].endswith("/contact.html") and found["verdict"] == "flagged"
    assert isinstance(found["text"], str) and "$base64" not in response.text
    assert "Call Amazon Support: +1-888-555-0142" in found["text"]
    assert "Speak to a live Amazon" in found["text"]
    sightings = found["sightings"].splitlines()
    assert any(line.startswith('+18885550142 printed "+1-888-555-0142" (text, unverified, '
                               "Amazon): ") and "Call Amazon Support" in line
               for line in sightings), sightings  # fmt: skip
    assert found["read_the_source_with"] == f"scamlines show page:{found['page_id']} --body"
    [evidence] = datasette_get(crawled, url.replace("page_text", "page_evidence"))
    contexts = [row["context"] for row in evidence.json()]
    assert contexts and all(isinstance(c, str) for c in contexts)
    assert any("+1-888-555-0142" in c for c in contexts)


@pytest.mark.slow
def test_datasette_shows_page_text_as_text(crawled: Path) -> None:
    """The payload page's text carries markup and script as text: the HTML page escapes it,
    and the page's own live script is not in its text at all."""
    query = f"/scamlines/page_text?url={PAYLOAD_HOST}"
    page, data = datasette_get(crawled, query, query.replace("page_text?", "page_text.json?_shape=array&"))
    [found] = data.json()
    assert "<script>document.title='pwned'</script> 1-888-555-0166" in found["text"]
    assert "page-script" not in found["text"]  # the page's real <script> is not text
    assert page.status_code == 200
    assert "<script>document.title='pwned'" not in page.text
    assert "&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt; 1-888-555-0166" in page.text


def test_readme_says_how_to_install_datasette() -> None:
    """Both the package form and the checkout form of the browse extra, and the entry point
    that brings the plugin."""
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    assert "pip install 'scamlines[browse]'" in readme
    assert "pip install -e '.[browse]'" in readme
    pyproject = tomllib.loads((METADATA.parents[2] / "pyproject.toml").read_text("utf-8"))
    assert pyproject["project"]["entry-points"]["datasette"] == {"scamlines": "crawler.browse"}
    assert any(r.startswith("datasette") for r in pyproject["project"]["optional-dependencies"]["test"])
