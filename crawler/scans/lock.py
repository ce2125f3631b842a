"""One scan (or rescan) per database at a time: a sidecar lock plus a note of who holds it.

``<db>.lock`` is an OS lock (``filelock.FileLock``, ``flock`` on Unix): the kernel releases it
when the holder dies, even by ``kill -9``, so a crashed scan never blocks the next one. The
lock file itself carries nothing readable, so the holder writes its pid, its start time and
what it runs into ``<db>.lock.info``; a scan that finds the lock taken reads that note to say
who is running. Locks are advisory and unreliable on network filesystems (filelock's own
warning): keep the database on a local disk.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from pathlib import Path
from typing import Any, Self

from filelock import FileLock, Timeout

from crawler.store import utc_now

__all__ = ["ScanBusy", "ScanLock"]

#: How long a scan that finds the lock taken waits for the holder's note to appear.
_NOTE_WAIT = 1.0


class ScanBusy(Exception):
    """Another scan or rescan holds the database's lock; the message says who."""


class ScanLock:
    """The lock of one database, taken without waiting: use as a context manager.

    Raises :class:`ScanBusy` with ``another scan is running on DB (pid N, since T)`` when
    another process holds it.
    """

    def __init__(self, db: Path, kind: str = "scan") -> None:
        self.db = Path(db)
        self.kind = kind
        self.lock_path = Path(f"{db}.lock")
        self.info_path = Path(f"{db}.lock.info")
        self._lock = FileLock(str(self.lock_path), blocking=False)

    def acquire(self) -> None:
        """Take the lock and write the note, or raise :class:`ScanBusy`."""
        try:
            self._lock.acquire()
        except Timeout:
            raise ScanBusy(self._busy_message()) from None
        except OSError as err:
            raise ScanBusy(f"cannot lock {self.lock_path}: {err}") from None
        self._write_note()

    def release(self) -> None:
        """Remove the note, then release the lock (in that order, so no one reads a note
        left by a scan that has finished)."""
        with contextlib.suppress(OSError):
            self.info_path.unlink()
        self._lock.release()

    def __enter__(self) -> Self:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

    def _write_note(self) -> None:
        note = {"pid": os.getpid(), "since": utc_now(), "kind": self.kind}
        partial = self.info_path.with_name(f"{self.info_path.name}.{os.getpid()}")
        try:
            partial.write_text(json.dumps(note), encoding="utf-8")
            partial.replace(self.info_path)  # readers never see half a note
        except OSError:
            partial.unlink(missing_ok=True)  # the note is a courtesy; the lock is what counts

    def _busy_message(self) -> str:
        note = self._read_note()
        kind = note.get("kind", "scan")
        if "pid" not in note:
            return f"another {kind} is running on {self.db} (pid unknown)"
        since = note.get("since", "an unknown time")
        return f"another {kind} is running on {self.db} (pid {note['pid']}, since {since})"

    def _read_note(self) -> dict[str, Any]:
        # The holder writes its note just after taking the lock, and a note may be left over
        # from a scan that was killed: wait briefly for a note naming a live process.
        deadline = time.monotonic() + _NOTE_WAIT
        while True:
            note = _load(self.info_path)
            if _alive(note.get("pid")) or time.monotonic() > deadline:
                return note if _alive(note.get("pid")) else {}
            time.sleep(0.05)


def _load(path: Path) -> dict[str, Any]:
    try:
        note = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return note if isinstance(note, dict) else {}


def _alive(pid: Any) -> bool:
    if not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it exists, under another user
    return True
