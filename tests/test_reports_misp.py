"""``scamlines report --format misp``: events that PyMISP loads back, built offline."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from crawlhelp import REPO, SCAM_HOST, subprocess_env
from pymisp import MISPEvent
from reporthelp import PAYLOAD_NUMBER, run_cli

from crawler.store import open_store

pytestmark = pytest.mark.slow

#: The Amazon allowlist's own customer-service number, shown on the official fixture page.
VERIFIED_NUMBER = "+18882804331"


def events(db: Path, *args: str) -> list[MISPEvent]:
    result = run_cli("report", "--format", "misp", "--db", db, *args)
    assert result.exit_code == 0, result.output
    loaded = []
    for line in result.stdout.splitlines():
        event = MISPEvent()
        event.load(line)
        loaded.append(event)
    return loaded


def attributes(event: MISPEvent, object_name: str, relation: str) -> list[Any]:
    return [
        attribute
        for obj in event.get_objects_by_name(object_name)
        for attribute in obj.attributes
        if attribute.object_relation == relation
    ]


def test_one_event_per_run_loads_back(report_db: Path) -> None:
    [event] = events(report_db)
    assert event.info.startswith("scamlines run 1: fake customer-support numbers")
    tags = {tag.name for tag in event.tags}
    assert {"scamlines", 'scamlines:brand="Amazon"', 'scamlines:brand="Norton"'} <= tags
    assert event.distribution == 0


def test_phone_numbers_are_financial_fraud_indicators(report_db: Path) -> None:
    [event] = events(report_db)
    phones = attributes(event, "phone-number", "phone-number")
    assert PAYLOAD_NUMBER in {a.value for a in phones}
    for attribute in phones:
        assert attribute.type == "phone-number"
        assert attribute.category == "Financial fraud"
        assert attribute.to_ids is True
        assert attribute.value.startswith("+")  # plain E.164, no CSV quote
    norton = next(a for a in phones if a.value == PAYLOAD_NUMBER)
    assert 'scamlines:brand="Norton"' in {tag.name for tag in norton.tags}


def test_sites_are_malicious_website_objects_that_mention_their_numbers(report_db: Path) -> None:
    [event] = events(report_db)
    sites = event.get_objects_by_name("malicious-website")
    urls = {a.value for a in attributes(event, "malicious-website", "url")}
    assert any(SCAM_HOST in url and url.endswith("/contact.html") for url in urls)
    assert SCAM_HOST in {a.value for a in attributes(event, "malicious-website", "domain")}
    phones = {obj.uuid: obj for obj in event.get_objects_by_name("phone-number")}
    for site in sites:
        assert site.references, site.uuid
        for reference in site.references:
            assert reference.relationship_type == "mentions"
            assert reference.referenced_uuid in phones


def test_verified_numbers_and_official_pages_are_left_out(report_db: Path) -> None:
    [event] = events(report_db, "--verdict", "all")
    assert VERIFIED_NUMBER not in {a.value for a in attributes(event, "phone-number", "phone-number")}
    urls = {a.value for a in attributes(event, "malicious-website", "url")}
    assert not any("www.amazon.com" in url for url in urls)


def test_group_by_brand(report_db: Path) -> None:
    by_brand = events(report_db, "--group", "brand")
    assert {event.info for event in by_brand} >= {
        "scamlines: fake Amazon customer-support numbers",
        "scamlines: fake Norton customer-support numbers",
    }
    for event in by_brand:
        brand_tags = [tag.name for tag in event.tags if tag.name.startswith("scamlines:brand=")]
        assert len(brand_tags) == 1


def test_export_is_stable(report_db: Path) -> None:
    first, second = events(report_db), events(report_db)
    assert first[0].uuid == second[0].uuid
    assert json.loads(first[0].to_json()) == json.loads(second[0].to_json())


def test_suspicious_pages_are_not_indicators(report_db: Path) -> None:
    # Re-judge one flagged finding as suspicious: it stays in the event, not as an IDS hit.
    with open_store(report_db) as store:
        finding = store.findings(verdict="flagged", brand="Canon")[0]
        store.db.execute("UPDATE findings SET verdict = 'suspicious' WHERE id = ?", [finding["id"]])
        store.db.conn.commit()
    [event] = events(report_db)
    canon = next(a for a in attributes(event, "phone-number", "phone-number")
                 if a.value == "+18555550188")  # fmt: skip
    assert canon.to_ids is False


def test_other_formats_do_not_import_pymisp(report_db: Path) -> None:
    code = (
        "import sys; from crawler.cli import cli\n"
        "try:\n"
        f"    cli(['report', '--format', 'csv', '--db', {str(report_db)!r}])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('pymisp' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=REPO, env=subprocess_env(), timeout=60, check=False)  # fmt: skip
    assert done.stdout.strip().splitlines()[-1] == "False", done.stderr
