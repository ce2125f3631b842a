"""Crawl throughput against plain Scrapy, with and without the detector:
``python benchmarks/crawl.py``.

Generates a site of 3,000 pages (support-spam pages naming protected brands with toll-free
numbers, ordinary pages, each linking to a few others), serves it from memory on 127.0.0.1,
and crawls it in subprocesses, in interleaved rounds (so a slow spell of a shared machine hits
every side): a plain Scrapy spider (``benchmarks/plainspider.py``: LinkExtractor and follow,
nothing else), ``scamlines crawl`` with the detector off and with it on. Prints the median
pages/second of each, the median per-round ratios (the bars: scamlines ≥ 0.90 x plain Scrapy,
detector on ≥ 0.95 x off), the peak resident memory and CPU time of each crawl, and the number
reputation look-up's time per page at 1k and 50k stored pages (``benchmarks/reputation.py``).

Options: ``--pages N`` (default 3000), ``--rounds N`` (default 5), ``--check`` (exit 1 when a
bar is missed), ``--keep DIR`` (keep the databases), ``--no-reputation``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
HOST = "bench-helpdesk.example"
BARS = {"scamlines / plain Scrapy": 0.90, "detector on / off": 0.95}

_BRANDS = ["Amazon", "PayPal", "Microsoft", "Netflix", "HP", "Canon", "Delta", "Coinbase"]
_WORDS = ["account", "order", "refund", "printer", "driver", "update", "billing", "subscription", "password", "login", "delivery", "tracking", "support", "service", "help", "desk", "customer", "care", "issue", "error", "fix", "guide", "setup", "install", "device", "network", "router", "email", "payment", "card", "bank", "transfer", "wallet"]


# --- the site ---------------------------------------------------------------------------------


def _scripted_page(number: int, links: list[int], brand: str) -> str:
    """A help-desk portal page: an empty shell that a script fills with the number."""
    phone = f"1-888-555-{number % 10000:04d}"
    anchors = "".join(f'<a href="/p/{n}">{n}</a> ' for n in links)
    script = (
        "document.getElementById('app').innerHTML = '<h1>" + brand + " Customer Care Number"
        "</h1><p>Call the " + brand + " toll free support helpline 24/7 at " + phone + ". "
        + brand + " customer care refund helpline " + phone + ".</p>';"
    )
    return (
        f'<!DOCTYPE html><html lang="en"><head><title>Help</title></head><body>'
        f'<div id="app"></div><nav>{anchors}</nav><script>{script}</script></body></html>'
    )


def make_site(pages: int, seed: int = 7, *, scripted: bool = False) -> dict[str, bytes]:
    """``{path: html}`` for a connected site of ``pages`` pages (page 0 links to all hubs).

    ``scripted``: every tenth page writes its support number with a script; no other page
    shows a number (so 10 % of the pages need rendering).
    """
    rng = random.Random(seed)
    site = {}
    for number in range(pages):
        links = {(number * 7 + k * 13 + 1) % pages for k in range(4)}
        links |= {n for n in (2 * number + 1, 2 * number + 2) if n < pages}  # a spanning tree
        page = _page(number, sorted(links), rng, scripted=scripted)
        site[f"/p/{number}"] = page.encode("utf-8")
    site["/robots.txt"] = b"User-agent: *\nDisallow: /admin/\n"
    return site


def _page(number: int, links: list[int], rng: random.Random, *, scripted: bool = False) -> str:
    brand = rng.choice(_BRANDS)
    if scripted and number % 10 == 5:
        return _scripted_page(number, links, brand)
    scam = number % 3 == 0 and not scripted
    paragraphs = [" ".join(rng.choices(_WORDS, k=60)).capitalize() + "." for _ in range(12)]
    if scam:
        phone = f"1-8{rng.choice('8765')}{rng.choice('8765')}-555-01{number % 100:02d}"
        title = f"{brand} Customer Service Number - Toll Free 24/7 Helpline"
        paragraphs.insert(
            2,
            f"Call the {brand} support helpline toll free at {phone} now. Our {brand} "
            "customer care agents are available 24/7 for refunds and account problems.",
        )
    else:
        title = f"{brand} {rng.choice(_WORDS)} guide, part {number}"
    anchors = " ".join(
        f'<li><a href="/p/{n}">{rng.choice(_WORDS)} {"contact" if n % 5 == 0 else "article"} '
        f"{n}</a></li>"
        for n in links
    )
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        f'<meta name="description" content="{title}"></head><body><header><h1>{title}</h1>'
        f"</header><main>{body}</main><nav><ul>{anchors}</ul></nav>"
        "<footer>Independent help blog.</footer></body></html>"
    )


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    site: dict[str, bytes]

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        body = self.server.site.get(self.path.split("?", 1)[0])
        status = 200 if body is not None else 404
        body = body if body is not None else b"not found"
        kind = "text/plain" if self.path.endswith(".txt") else "text/html; charset=utf-8"
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


# --- one crawl --------------------------------------------------------------------------------


def crawl_command(port: int, pages: int, db: Path, render: str = "never") -> list[str]:
    """``scamlines crawl`` of the whole site, politeness off (our own loopback server)."""
    return [
        sys.executable, "-m", "crawler", "crawl", f"http://{HOST}:{port}/p/0",
        "--db", str(db), "--format", "json", "--quiet",
        "--depth", "100", "--max-pages", str(pages),
        "--resolve", f"{HOST}=127.0.0.1", "--resolve-only", "--allow-host", f"{HOST}:{port}",
        "--set", "DOWNLOAD_DELAY=0", "--set", "AUTOTHROTTLE_ENABLED=false",
        "--set", "CONCURRENT_REQUESTS=32", "--set", "CONCURRENT_REQUESTS_PER_DOMAIN=32",
        # The crawl and the detector, as served: rendering (the default `auto` renders every
        # flagged page for its screenshot) is measured by benchmarks/render.py.
        "--render", render,
    ]  # fmt: skip


def crawl(port: int, pages: int, db: Path, detector: bool, render: str = "never") -> dict[str, Any]:
    """Crawl the site in a subprocess; the JSON summary plus memory peaks."""
    command = [*crawl_command(port, pages, db, render),
               "--set", f"SCAMLINES_DETECTOR_ENABLED={'true' if detector else 'false'}"]  # fmt: skip
    env = dict(os.environ, PYTHONPATH=str(REPO))
    # Output goes to files: a pipe nobody reads while memory is sampled would block the crawl.
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        process = subprocess.Popen(command, stdout=out, stderr=err, env=env)
        measured = _sample(process)
        process.wait()
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    if process.returncode != 0:
        raise SystemExit(f"crawl failed ({process.returncode}):\n{stderr}")
    if stderr.strip():
        print(f"(crawl stderr: {len(stderr)} chars; first line: {stderr.splitlines()[0][:200]})")
    summary = json.loads(stdout.strip().splitlines()[-1])
    summary.update(measured)
    return summary


def _sample(process: subprocess.Popen[bytes]) -> dict[str, float]:
    """Peak memory and CPU time of the crawl process and of its worker processes.

    The crawl's own peak RSS is its kernel high-water mark (VmHWM); the tree's summed RSS
    and each process's CPU time (utime + stime) are sampled every 50 ms until it exits.
    """
    own = tree = 0.0
    cpu: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    while process.poll() is None:
        pids = _tree(process.pid)
        own = max(own, _status_mib(process.pid, "VmHWM:"))
        tree = max(tree, sum(_status_mib(pid, "VmRSS:") for pid in pids))
        for pid in pids:
            cpu[pid] = max(cpu.get(pid, 0.0), _cpu_seconds(pid, tick))
        time.sleep(0.05)
    workers = sum(seconds for pid, seconds in cpu.items() if pid != process.pid)
    return {
        "peak_rss_mib": round(own, 1),
        "peak_tree_rss_mib": round(tree, 1),
        "cpu_crawl_s": round(cpu.get(process.pid, 0.0), 2),
        "cpu_workers_s": round(workers, 2),
    }


def _cpu_seconds(pid: int, tick: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / tick  # utime, stime


def _tree(pid: int) -> list[int]:
    pids, todo = [], [pid]
    while todo:
        current = todo.pop()
        pids.append(current)
        try:
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            pass
    return pids


def _status_mib(pid: int, field: str) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


# --- main -------------------------------------------------------------------------------------


def plain_crawl(port: int, pages: int) -> dict[str, Any]:
    """The plain Scrapy spider on the same site: its JSON line plus CPU and memory."""
    command = [sys.executable, str(REPO / "benchmarks" / "plainspider.py"),
               f"http://127.0.0.1:{port}/p/0", str(pages)]  # fmt: skip
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        process = subprocess.Popen(command, stdout=out, stderr=err)
        measured = _sample(process)
        process.wait()
        out.seek(0)
        err.seek(0)
        if process.returncode != 0:
            raise SystemExit(f"plain Scrapy failed:\n{err.read().decode()}")
        summary = json.loads(out.read().decode().strip().splitlines()[-1])
    summary.update(measured)
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--keep", type=Path, default=None)
    parser.add_argument("--no-reputation", action="store_true")
    args = parser.parse_args(argv)

    server = _Server(("127.0.0.1", 0), _Handler)
    server.site = make_site(args.pages)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    load = os.getloadavg()
    print(f"site: {args.pages} pages on 127.0.0.1:{port} ({HOST}), {os.cpu_count()} CPUs, "
          f"load average {load[0]:.2f} {load[1]:.2f} at start")  # fmt: skip

    results: dict[str, list[dict[str, Any]]] = {"plain Scrapy": [], "detector off": [],
                                                "detector on": []}  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        for attempt in range(args.rounds):
            for label, runs in results.items():
                served = resource.getrusage(resource.RUSAGE_SELF)
                if label == "plain Scrapy":
                    summary = plain_crawl(port, args.pages)
                else:
                    db = folder / f"bench-{label.replace(' ', '-')}-{attempt}.db"
                    db.unlink(missing_ok=True)
                    summary = crawl(port, args.pages, db, label == "detector on")
                after = resource.getrusage(resource.RUSAGE_SELF)
                summary["cpu_server_s"] = round(
                    after.ru_utime + after.ru_stime - served.ru_utime - served.ru_stime, 2
                )
                runs.append(summary)
    server.shutdown()

    for label, summaries in results.items():
        rate = statistics.median(s["pages_per_second"] for s in summaries)
        last = summaries[-1]
        print(
            f"{label:13} {last['pages']:5d} pages, median {rate:7.1f} pages/s over "
            f"{len(summaries)} rounds; peak RSS {last['peak_rss_mib']:.0f} MiB (with workers "
            f"{last['peak_tree_rss_mib']:.0f}); CPU: crawl {last['cpu_crawl_s']:.1f} s "
            f"({1e3 * last['cpu_crawl_s'] / max(1, last['pages']):.1f} ms/page), workers "
            f"{last['cpu_workers_s']:.1f} s, test server {last['cpu_server_s']:.1f} s"
        )
    ratios = {
        "scamlines / plain Scrapy": _ratios(results["detector on"], results["plain Scrapy"]),
        "detector on / off": _ratios(results["detector on"], results["detector off"]),
    }
    missed = False
    for name, values in ratios.items():
        ratio, bar = statistics.median(values), BARS[name]
        missed |= ratio < bar
        shown = " ".join(f"{v:.2f}" for v in values)
        print(f"ratio {name}: median {ratio:.2f} (rounds: {shown}); "
              f"{'meets' if ratio >= bar else 'MISSES'} the bar of {bar:.2f}")  # fmt: skip
    load = os.getloadavg()
    print(f"load average {load[0]:.2f} {load[1]:.2f} at the end")
    if not args.no_reputation:
        from reputation import measure, report_lines

        print("\n".join(report_lines(measure([1000, 50000]))))
    return 1 if args.check and missed else 0


def _ratios(a: list[dict[str, Any]], b: list[dict[str, Any]]) -> list[float]:
    return [x["pages_per_second"] / y["pages_per_second"] for x, y in zip(a, b, strict=True)]


if __name__ == "__main__":
    sys.exit(main())
