"""Distributed runs on a real ``redis-server`` (started on a free loopback port; skipped when
the Debian package is absent): a recorder and two worker processes against a local site give
the same pages and verdicts as a single-process crawl, each page stored once; so does a run
whose worker, recorder or Redis is killed mid-crawl (then resumed); two workers keep to one
per-domain concurrency between them."""

from __future__ import annotations

import json
import shutil
import signal
import socket
import sqlite3
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis
from crawlhelp import PRINTER_HOST, query, run_scamlines, scamlines_command, site_args
from crawlhelp import subprocess_env as env
from sitemock import SiteServer

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class RedisServer:
    """A real ``redis-server`` on a free loopback port; ``durable``: every write is on disk
    before it is answered, so the server can be killed and started again with its data."""

    def __init__(self, folder: Path, *, durable: bool = False) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.skip("redis-server is not installed (Debian: apt-get install redis-server)")
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        persistence = ["--appendonly", "yes", "--appendfsync", "always"] if durable else \
            ["--appendonly", "no"]
        self.command = [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                        *persistence, "--dir", str(folder)]  # fmt: skip
        self.start()

    def start(self) -> None:
        self.process = subprocess.Popen(self.command, stdout=subprocess.DEVNULL)
        wait_for(lambda: _answers(self.port), what="redis-server to listen")

    def kill(self) -> None:
        self.process.kill()
        self.process.wait(10)

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.url)


def _answers(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
        return True
    except OSError:
        return False


def wait_for(ready: Callable[[], object], *, what: str, limit: float = 120) -> None:
    """Poll until ``ready()`` (a deadline against hangs, not a timing assertion)."""
    deadline = time.monotonic() + limit
    while not ready():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(0.05)


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path)
    yield server
    server.kill()


@pytest.fixture
def redis_url(redis_server: RedisServer) -> str:
    return redis_server.url


@pytest.fixture
def site() -> Iterator[SiteServer]:
    with SiteServer(gen_pages=30) as server:
        yield server


def crawl_args(site: SiteServer, db: Path) -> list[str]:
    return ["crawl", site.url(PRINTER_HOST, "/gen/0"), "--db", str(db), "--depth", "10",
            "--format", "json", "--quiet", *site_args(site)]  # fmt: skip


def pages(db: Path) -> dict[str, str | None]:
    return {r["url"]: r["verdict"] for r in query(db, "SELECT url, verdict FROM pages")}


def local_crawl(site: SiteServer, folder: Path) -> dict[str, str | None]:
    """The pages and verdicts of a single-process crawl of ``site``."""
    local = folder / "local.db"
    assert run_scamlines(*crawl_args(site, local), timeout=180).returncode == 0
    found = pages(local)
    assert len(found) > 20
    return found


def test_recorder_and_two_workers_match_a_local_crawl(
    tmp_path: Path, site: SiteServer, redis_url: str
) -> None:
    local = local_crawl(site, tmp_path)
    db = tmp_path / "shared.db"
    run = recorder(site, db, redis_url)
    workers = worker(redis_url, processes=2)
    code, err = finish(run)
    assert code == 0, err
    code, err = finish(workers)
    assert code == 0, err[-2000:]
    assert_complete(db, local)
    settings = query(db, "SELECT settings FROM runs")[0]["settings"]
    assert "SCAMLINES_REDIS" in settings


def test_redis_down_at_start_is_exit_2(tmp_path: Path, site: SiteServer) -> None:
    url = f"redis://user:hunter2@127.0.0.1:{free_port()}/0"
    result = run_scamlines(*crawl_args(site, tmp_path / "x.db"), "--redis", url)
    assert result.returncode == 2
    assert "cannot reach Redis" in result.stderr and "hunter2" not in result.stderr
    worker = run_scamlines("worker", "--redis", url)
    assert worker.returncode == 2 and "hunter2" not in worker.stderr


# --- killed mid-run -----------------------------------------------------------------------------

#: Leases of a killed worker come back after this many seconds (the default is 60).
LEASE = ["--set", "SCAMLINES_LEASE_SECONDS=3"]


def recorder(site: SiteServer, db: Path, url: str, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        scamlines_command(*crawl_args(site, db), "--redis", url, *LEASE, *extra),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env(),
    )  # fmt: skip


def worker(url: str, processes: int = 1) -> subprocess.Popen[str]:
    return subprocess.Popen(
        scamlines_command("worker", "--redis", url, "--processes", str(processes)),
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env(),
    )  # fmt: skip


def finish(process: subprocess.Popen[str], timeout: float = 180) -> tuple[int, str]:
    _, err = process.communicate(timeout=timeout)
    return process.returncode, err


def kill9(process: subprocess.Popen[str]) -> None:
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=10)  # and close its pipes


def recorded(db: Path) -> int:
    try:
        with sqlite3.connect(db, timeout=5) as conn:
            return int(conn.execute("SELECT count(*) FROM captures").fetchone()[0])
    except sqlite3.OperationalError:  # not created yet
        return 0


def assert_complete(db: Path, local: dict[str, str | None]) -> None:
    """Every page of the local crawl, each stored once, in a sound database."""
    assert pages(db) == local
    captures = query(db, "SELECT count(*) AS n, count(DISTINCT page_id) AS d FROM captures")
    assert captures[0]["n"] == captures[0]["d"] == len(local)
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


@pytest.fixture
def slow_site() -> Iterator[SiteServer]:
    with SiteServer(gen_pages=30, delay=0.3) as server:
        yield server


@pytest.fixture
def local_pages(tmp_path: Path, slow_site: SiteServer) -> dict[str, str | None]:
    return local_crawl(slow_site, tmp_path)


def test_a_killed_worker_loses_nothing(
    tmp_path: Path, slow_site: SiteServer, redis_server: RedisServer,
    local_pages: dict[str, str | None],
) -> None:  # fmt: skip
    db = tmp_path / "shared.db"
    run = recorder(slow_site, db, redis_server.url)
    doomed = worker(redis_server.url)
    client = redis_server.client()
    leases = "scamlines:run1:leases"
    wait_for(lambda: recorded(db) >= 3 and client.zcard(leases) > 0, what="a worker mid-crawl")
    kill9(doomed)
    held = client.zcard(leases)
    assert held > 0  # it died holding requests: they must come back
    survivor = worker(redis_server.url)
    code, err = finish(run)
    assert code == 0, err
    assert finish(survivor)[0] == 0
    assert_complete(db, local_pages)


def test_a_seed_taken_by_a_worker_that_died_is_crawled(
    tmp_path: Path, site: SiteServer, redis_server: RedisServer
) -> None:
    """A worker killed between taking a seed and queueing it: the seed comes back."""
    from crawler.redisrun import TAKE_SEED

    local = local_crawl(site, tmp_path)
    db = tmp_path / "shared.db"
    run = recorder(site, db, redis_server.url)
    client = redis_server.client()
    wait_for(lambda: client.llen("scamlines:run1:seeds") > 0, what="the recorder's seeds")
    taken = client.register_script(TAKE_SEED)(
        keys=["scamlines:run1:seeds", "scamlines:run1:seedleases"], args=[time.time() + 3]
    )
    assert taken is not None  # the only seed, now held by a "worker" that never queues it
    late = worker(redis_server.url)
    code, err = finish(run)
    assert code == 0, err
    assert finish(late)[0] == 0
    assert_complete(db, local)


def test_a_killed_recorder_loses_nothing(
    tmp_path: Path, slow_site: SiteServer, redis_server: RedisServer,
    local_pages: dict[str, str | None],
) -> None:  # fmt: skip
    db = tmp_path / "shared.db"
    first = recorder(slow_site, db, redis_server.url)
    fetching = worker(redis_server.url)
    client = redis_server.client()
    wait_for(lambda: recorded(db) >= 3, what="the first pages recorded")
    kill9(first)
    # The worker goes on; its records wait in Redis for a recorder.
    wait_for(lambda: client.xlen("scamlines:run1:records") > 0, what="records waiting")
    assert recorded(db) < len(local_pages)
    resumed = recorder(slow_site, db, redis_server.url, "--resume")
    code, err = finish(resumed)
    assert code == 0, err
    assert finish(fetching)[0] == 0
    assert_complete(db, local_pages)
    runs = query(db, "SELECT status FROM runs")
    assert [r["status"] for r in runs] == ["finished"]


def test_redis_gone_mid_run_interrupts_it_and_resume_finishes_it(
    tmp_path: Path, slow_site: SiteServer, local_pages: dict[str, str | None]
) -> None:
    server = RedisServer(tmp_path, durable=True)
    db = tmp_path / "shared.db"
    try:
        run = recorder(slow_site, db, server.url, "--format", "json")
        fetching = worker(server.url)
        wait_for(lambda: recorded(db) >= 3, what="the first pages recorded")
        server.kill()
        code, err = finish(run)
        assert code == 0, err
        assert query(db, "SELECT status, finish_reason FROM runs") == [
            {"status": "interrupted", "finish_reason": "redis_gone"}
        ]
        assert finish(fetching)[0] == 1  # the worker stopped, and says why
        assert recorded(db) < len(local_pages)
        server.start()  # the same data, from its append-only file
        resumed = recorder(slow_site, db, server.url, "--resume")
        again = worker(server.url)
        code, err = finish(resumed)
        assert code == 0, err
        assert finish(again)[0] == 0
        assert_complete(db, local_pages)
    finally:
        server.kill()


def test_a_worker_stopped_by_ctrl_c_gives_back_what_it_was_fetching(
    tmp_path: Path, redis_server: RedisServer
) -> None:
    """Ctrl-C abandons the worker's downloads in flight (pages that would take 30 s): their
    leases are given back at once, not after they expire (60 s here), and another worker
    fetches them."""
    client = redis_server.client()
    leases, queued = "scamlines:run1:leases", "scamlines:run1:requests"
    with SiteServer(gen_pages=30, slow_from=7) as site:
        db = tmp_path / "shared.db"
        run = subprocess.Popen(  # the default lease: 60 s
            scamlines_command(*crawl_args(site, db), "--redis", redis_server.url),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env(),
        )  # fmt: skip
        stopped = worker(redis_server.url)
        wait_for(lambda: recorded(db) >= 7 and client.zcard(leases) >= 2, what="slow pages")
        stopped.send_signal(signal.SIGINT)
        code, err = finish(stopped, timeout=10)
        assert code == 0, err
        assert "Traceback" not in err
        assert "interrupted: stopping; 7 pages sent to the recorder, " in err
        assert " in flight go back to the run's queue" in err
        # The recorder puts them back in the queue at its next poll, with no worker running.
        wait_for(lambda: client.zcard(leases) == 0 and client.zcard(queued) >= 2,
                 what="the abandoned requests back in the queue", limit=10)  # fmt: skip
        site.hurry.set()
        again = worker(redis_server.url)
        code, err = finish(run)
        assert code == 0, err
        assert finish(again)[0] == 0
    urls = [row["url"] for row in query(db, "SELECT url FROM pages")]
    assert sorted(urls) == sorted(site.url(PRINTER_HOST, f"/gen/{n}") for n in range(30))


# --- politeness -------------------------------------------------------------------------------


def test_two_workers_share_one_per_domain_concurrency(
    tmp_path: Path, slow_site: SiteServer, redis_url: str
) -> None:
    db = tmp_path / "shared.db"
    run = recorder(slow_site, db, redis_url, "--set", "CONCURRENT_REQUESTS_PER_DOMAIN=2")
    workers = worker(redis_url, processes=2)
    code, err = finish(run)
    assert code == 0, err
    assert finish(workers)[0] == 0
    assert recorded(db) > 20
    assert slow_site.most_at_once[PRINTER_HOST] == 2  # never 3 or 4 (2 per worker)


# --- scans ------------------------------------------------------------------------------------


def test_a_scan_with_redis_is_a_distributed_run_with_its_lock_and_diff(
    tmp_path: Path, redis_url: str
) -> None:
    """``redis = URL`` in a scan configuration: the scan is the recorder; it holds the scan
    lock while workers fetch, and its diff is the one a local scan of the same site gives."""
    from scanhelp import DELTA, N3, WatchSite, scan, write_config

    site = WatchSite(tmp_path / "site")
    with SiteServer(root=tmp_path / "site") as server:
        config = write_config(tmp_path / "scan.toml", server, extra=f'redis = "{redis_url}"')
        local_config = write_config(tmp_path / "local.toml", server, db="data/local.db")
        client = redis.Redis.from_url(redis_url)
        results = []
        for change in (False, True):
            if change:  # a number swapped between the scans
                site.page(DELTA, "contact.html", "Delta Air Lines", N3, "Reservations")
            local = scan(local_config)
            assert local.returncode == 0, local.stderr
            client.delete("scamlines:current")
            distributed = subprocess.Popen(
                scamlines_command("scan", "--config", str(config), "--format", "json"),
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env(),
            )  # fmt: skip
            wait_for(lambda: client.get("scamlines:current") is not None, what="the recorder")
            busy = scan(config)  # no worker yet: the recorder waits, holding the scan lock
            assert busy.returncode == 2 and "another scan is running" in busy.stderr
            fetching = worker(redis_url)
            out, err = distributed.communicate(timeout=180)
            assert distributed.returncode == 0, err
            assert finish(fetching)[0] == 0
            results.append((json.loads(out), local.json()))
    for mine, theirs in results:
        assert mine["status"] == theirs["status"] == "finished"
        assert mine["verdicts"] == theirs["verdicts"] and mine["pages"] == theirs["pages"] > 0
        assert mine["diff"]["counts"] == theirs["diff"]["counts"]
    second = results[1][0]["diff"]
    assert second["before"]["id"] == results[0][0]["run_id"]
    assert "new" in {n["change"] for n in second["numbers"]}  # N3
    db = tmp_path / "data" / "watch.db"
    assert [r["kind"] for r in query(db, "SELECT kind FROM runs")] == ["scan", "scan"]


def test_a_queued_request_is_encoded_as_scrapy_would(redis_url: str) -> None:
    """The shared queue names the spider's callback and errback without Scrapy's
    ``inspect.getmembers`` search (crawler.redisworker.LeasedQueue._encode_request)."""
    import pickle

    from scrapy import Request
    from scrapy.utils.request import request_from_dict
    from scrapy.utils.test import get_crawler

    from crawler.redisworker import LeasedQueue, RedisSpider

    settings = {"REDIS_URL": redis_url, "SCAMLINES_SEEDS": ["https://a.example/"]}
    spider = RedisSpider.from_crawler(get_crawler(RedisSpider, settings))
    queue = object.__new__(LeasedQueue)
    queue.spider, queue.serializer = spider, pickle
    request = Request("https://a.example/p", callback=spider.parse, errback=spider.on_error,
                      meta={"depth": 2, "scamlines_leases": [7]}, priority=3)  # fmt: skip
    data = pickle.loads(queue._encode_request(request))
    assert data == request.to_dict(spider=spider)
    assert (request.callback, request.errback) == (spider.parse, spider.on_error)  # untouched
    again = request_from_dict(data, spider=spider)
    assert (again.url, again.callback, again.errback, again.meta) == (
        request.url, spider.parse, spider.on_error, request.meta)


def test_a_page_fetched_again_uses_no_page_budget(
    tmp_path: Path, slow_site: SiteServer, redis_url: str
) -> None:
    """Leases shorter than a fetch: pages are fetched again after their lease expires, and
    the run still gets --max-pages distinct pages (each stored once)."""
    db = tmp_path / "shared.db"
    run = recorder(slow_site, db, redis_url, "--max-pages", "12",
                   "--set", "SCAMLINES_LEASE_SECONDS=0.1")  # fmt: skip
    workers = worker(redis_url)
    code, err = finish(run)
    assert code == 0, err
    assert finish(workers)[0] == 0
    stats = json.loads(query(db, "SELECT stats FROM runs")[0]["stats"])
    assert stats.get("scamlines/duplicates", 0) > 0  # pages were fetched twice
    urls = [row["url"] for row in query(db, "SELECT url FROM pages")]
    assert len(urls) == len(set(urls)) == 12


def test_a_link_the_worker_queued_before_costs_no_round_trip(redis_server: RedisServer) -> None:
    """The worker remembers the fingerprints it sent to the shared duplicate filter; Redis
    (``INFO commandstats``) is asked once for a link seen twice, and refuses it across workers."""
    from scrapy import Request
    from scrapy.utils.test import get_crawler

    from crawler.redisworker import LeasedScheduler, RedisSpider, worker_settings

    def scheduler() -> LeasedScheduler:
        config = {"SCAMLINES_SEEDS": ["https://a.example/"]}
        settings = worker_settings(redis_server.url, 1, config).copy_to_dict()
        settings["TWISTED_REACTOR_ENABLED"] = False  # no crawl runs here: no reactor
        crawler = get_crawler(RedisSpider, settings)
        spider = RedisSpider.from_crawler(crawler)
        crawler.spider = spider
        found = LeasedScheduler.from_crawler(crawler)
        found.open(spider)
        return found

    client = redis_server.client()

    def scripts_run() -> int:
        stats = client.info("commandstats")
        return sum(stats.get(name, {}).get("calls", 0) for name in ("cmdstat_evalsha", "cmdstat_eval"))

    first, second = scheduler(), scheduler()
    assert first.enqueue_request(Request("https://a.example/q"))  # the script is loaded
    before = scripts_run()
    assert first.enqueue_request(Request("https://a.example/p"))
    assert not first.enqueue_request(Request("https://a.example/p"))
    assert not first.enqueue_request(Request("https://a.example/q"))
    assert scripts_run() - before == 1
    assert not second.enqueue_request(Request("https://a.example/p"))  # another worker: Redis says no
    assert client.zcard("scamlines:run1:requests") == 2
