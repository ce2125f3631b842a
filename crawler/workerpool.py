"""``scamlines worker --processes N``: N worker processes on this machine, started at once.

Each worker is its own ``scamlines worker`` process (one per core: the detector is CPU-bound
and a Scrapy crawl runs on one thread). This parent only starts them, waits, and passes a stop
on; it imports neither Scrapy nor the detector, so the workers start without waiting for it.
"""

from __future__ import annotations

import math
import subprocess
import sys
import time

from crawler.interrupts import keep_going, stoppable

__all__ = ["CHILDREN_GRACE", "run_processes"]

#: Seconds the worker processes of ``--processes N`` have to stop by themselves (Ctrl-C
#: reaches them all) before a stop is passed on to them (a SIGTERM to this process only).
CHILDREN_GRACE = 3.0


def run_processes(url: str, count: int, wait: float = 30.0) -> int:
    """Run ``count`` worker processes for the run in Redis at ``url``; their worst exit status."""
    command = [sys.executable, "-m", "crawler", "worker", "--redis", url, "--wait", str(wait)]
    children = [subprocess.Popen(command) for _ in range(count)]
    asked: float | None = None
    with stoppable(lambda: f"{count} worker processes are stopping", keep_going) as stop:
        while any(child.poll() is None for child in children):
            time.sleep(0.1)
            if stop.requested and asked is None:
                asked = time.monotonic()
            elif asked is not None and time.monotonic() - asked > CHILDREN_GRACE:
                for child in children:
                    if child.poll() is None:
                        child.terminate()  # stops it, at once if it was stopping already
                asked = math.inf  # once
    return max(child.returncode for child in children)
