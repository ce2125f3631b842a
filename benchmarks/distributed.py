"""A distributed run with two worker processes against one: ``python benchmarks/distributed.py``.

Serves the generated site of ``benchmarks/crawl.py`` (support-spam and ordinary pages: the
detector makes the crawl CPU-bound) from memory on 127.0.0.1, starts a ``redis-server`` on a
free loopback port, and in interleaved rounds (so a slow spell of a shared machine hits both
sides) runs the same crawl as a distributed run (``scamlines crawl --redis``, the recorder)
with ``scamlines worker --processes 1`` and with ``--processes 2``. Politeness is off (our own
loopback server). The rate of a run is its pages over the time from the workers' start to the
recorder's end, start-up included; its rate "at work" is from 20 % to 80 % of the pages stored
(every worker started, none idle at the end). Prints the median pages/s of each side, the
median per-round ratios (the bar: 2 processes >= 1.6 x 1) and the load average, and checks
every run's pages and verdicts against a single-process ``scamlines crawl`` of the same site.

Options: ``--pages N`` (default 3000, the site of benchmarks/crawl.py), ``--rounds N`` (default 3), ``--check`` (exit 1 when
the bar is missed or a result differs).
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from crawl import _Handler, _Server, crawl_command, make_site

REPO = Path(__file__).resolve().parent.parent
BAR = 1.6


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _env() -> dict[str, str]:
    return dict(os.environ, PYTHONPATH=str(REPO))


def results(db: Path) -> dict[str, str | None]:
    with sqlite3.connect(db) as conn:
        return dict(conn.execute("SELECT url, verdict FROM pages").fetchall())


def _stored(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as conn:
            return int(conn.execute("SELECT count(*) FROM pages").fetchone()[0])
    except sqlite3.Error:  # not created yet, or busy
        return 0


def _steady(samples: list[tuple[float, int]], pages: int) -> float:
    """Pages/s while the workers are all at work: from 20 % to 80 % of the pages stored (no
    process start-up, no last pages)."""
    low = next((t, n) for t, n in samples if n >= 0.2 * pages)
    high = next((t, n) for t, n in samples if n >= 0.8 * pages)
    return (high[1] - low[1]) / (high[0] - low[0]) if high[0] > low[0] else 0.0


def distributed(port: int, pages: int, db: Path, url: str, processes: int) -> tuple[float, float, int]:
    """One distributed run: ``(pages/s, steady pages/s, pages stored)``."""
    import redis

    client = redis.Redis.from_url(url)
    client.flushdb()
    recorder = subprocess.Popen([*crawl_command(port, pages, db), "--redis", url],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=_env())  # fmt: skip
    while client.get("scamlines:current") is None:
        if recorder.poll() is not None:
            raise SystemExit(f"recorder failed: {recorder.stderr.read().decode()[-2000:]}")  # type: ignore[union-attr]
        time.sleep(0.05)
    started = time.monotonic()
    workers = subprocess.Popen(
        [sys.executable, "-m", "crawler", "worker", "--redis", url, "--processes", str(processes)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=_env(),
    )  # fmt: skip
    samples = [(0.0, 0)]
    while recorder.poll() is None:
        time.sleep(0.1)
        samples.append((time.monotonic() - started, _stored(db)))
    _, err = recorder.communicate()
    elapsed = time.monotonic() - started
    workers.wait(60)
    if recorder.returncode != 0 or workers.returncode != 0:
        raise SystemExit(f"run failed ({recorder.returncode}, {workers.returncode}): {err[-2000:]!r}")
    stored = len(results(db))
    samples.append((elapsed, stored))
    return stored / elapsed, _steady(samples, stored), stored


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    binary = shutil.which("redis-server")
    if binary is None:
        raise SystemExit("redis-server is not installed (Debian: apt-get install redis-server)")

    server = _Server(("127.0.0.1", 0), _Handler)
    server.site = make_site(args.pages)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    redis_port = _free_port()
    load = os.getloadavg()
    print(f"site: {args.pages} pages on 127.0.0.1:{port}, {os.cpu_count()} CPUs, "
          f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} at start")  # fmt: skip
    rates: dict[int, list[float]] = {1: [], 2: []}
    steady: dict[int, list[float]] = {1: [], 2: []}
    differ = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        redis_server = subprocess.Popen(
            [binary, "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", tmp], stdout=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            url = f"redis://127.0.0.1:{redis_port}/0"
            local = folder / "local.db"
            done = subprocess.run(crawl_command(port, args.pages, local), capture_output=True,
                                  env=_env(), check=False)  # fmt: skip
            if done.returncode != 0:
                raise SystemExit(f"local crawl failed: {done.stderr.decode()[-2000:]}")
            expected = results(local)
            for attempt in range(args.rounds):
                for processes in (1, 2):
                    db = folder / f"run-{processes}-{attempt}.db"
                    rate, at_work, stored = distributed(port, args.pages, db, url, processes)
                    rates[processes].append(rate)
                    steady[processes].append(at_work)
                    if results(db) != expected:
                        differ.append(db.name)
                    print(f"round {attempt + 1}: {processes} worker process"
                          f"{'es' if processes > 1 else ''}: {stored} pages, {rate:.1f} pages/s "
                          f"({at_work:.1f} at work), "
                          f"load {os.getloadavg()[0]:.2f}")  # fmt: skip
        finally:
            redis_server.terminate()
            redis_server.wait(10)
    server.shutdown()
    ratios = [two / one for one, two in zip(rates[1], rates[2], strict=True)]
    ratio = statistics.median(ratios)
    print(f"1 worker process: median {statistics.median(rates[1]):.1f} pages/s; "
          f"2: median {statistics.median(rates[2]):.1f} pages/s")  # fmt: skip
    print(f"ratio 2 / 1: median {ratio:.2f} (rounds: {' '.join(f'{r:.2f}' for r in ratios)}); "
          f"{'meets' if ratio >= BAR else 'MISSES'} the bar of {BAR:.1f}")  # fmt: skip
    at_work = [two / one for one, two in zip(steady[1], steady[2], strict=True)]
    print(f"at work (20-80 % of the pages stored, no start-up): 1 worker process median "
          f"{statistics.median(steady[1]):.1f} pages/s, 2: {statistics.median(steady[2]):.1f}; "
          f"ratio median {statistics.median(at_work):.2f} "
          f"(rounds: {' '.join(f'{r:.2f}' for r in at_work)})")  # fmt: skip
    print("results: " + ("identical to a single-process crawl in every run" if not differ
                         else f"DIFFER from a single-process crawl in {', '.join(differ)}"))  # fmt: skip
    load = os.getloadavg()
    print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} at the end")
    return 1 if args.check and (ratio < BAR or differ) else 0


if __name__ == "__main__":
    sys.exit(main())
