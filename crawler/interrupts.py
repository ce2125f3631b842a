"""Ctrl-C and SIGTERM, the same way in every long command: say at once what is kept, then stop.

Code that runs for long wraps its work in :func:`stoppable`, saying what a stop now would
keep. The first SIGINT or SIGTERM in the process then writes, at once and even under
``--quiet`` (an interrupt is not progress)::

    interrupted: stopping; 120 pages stored, 8 in flight abandoned (scamlines crawl --resume continues)

and stops the work in one of two ways:

* with ``on_stop`` (a crawl, whose event loop must wind down itself): ``on_stop()`` is called
  and the block carries on until the work has ended; :attr:`Stop.signum` says it was asked to
  (with :func:`keep_going`, the work checks :attr:`Stop.requested` between items itself);
* without: :class:`Interrupted`, a :class:`KeyboardInterrupt`, is raised where the main thread
  is, so the code that already keeps what it did on Ctrl-C does the same on SIGTERM. This
  also ends a wait on the network at once.

A second signal, at any point after the first, ends the process at once with exit status
``128 + signal`` (130 for Ctrl-C), as ``kill -9`` would: what was committed is kept, and a run
left ``running`` is recorded as killed by the next command that takes it over.

The handlers are the process's while a block is open (the CLI opens one around every
command, so a signal outside any long loop still gets the message and no traceback) and are
put back when the outermost block closes. Outside the main thread a block does nothing:
only the main thread receives signals. Nothing here imports Scrapy or Twisted.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import sys
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from types import FrameType

__all__ = [
    "SIGNALS",
    "Interrupted",
    "Stop",
    "forced_exit_status",
    "keep_going",
    "say",
    "stoppable",
]

logger = logging.getLogger(__name__)

#: The signals that stop a command.
SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Interrupted(KeyboardInterrupt):
    """The first Ctrl-C or SIGTERM inside a :func:`stoppable` block without ``on_stop``."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


@dataclass
class Stop:
    """One :func:`stoppable` block: what it keeps, how it stops, and whether it was asked to."""

    kept: Callable[[], str] | None = None
    on_stop: Callable[[], None] | None = None
    #: The signal that stopped the block's work, or None.
    signum: int | None = None

    @property
    def requested(self) -> bool:
        return self.signum is not None


@dataclass
class _State:
    blocks: list[Stop] = field(default_factory=list)
    received: list[int] = field(default_factory=list)
    saved: dict[int, Any] = field(default_factory=dict)


_state = _State()


def keep_going() -> None:
    """``on_stop`` for work that stops by itself between items once :attr:`Stop.requested`."""


def forced_exit_status(signum: int) -> int:
    """The exit status of a process ended by a second signal: ``128 + signal``, as a shell
    reports a process killed by it."""
    return 128 + signum


@contextlib.contextmanager
def stoppable(
    kept: Callable[[], str] | None = None, on_stop: Callable[[], None] | None = None
) -> Iterator[Stop]:
    """Run the block with SIGINT and SIGTERM answered as the module docstring says.

    ``kept()`` is called in the signal handler, so it must only read (counters, lengths) and
    be quick; its text follows ``interrupted: stopping;``. The innermost open block answers.
    """
    block = Stop(kept, on_stop)
    if threading.current_thread() is not threading.main_thread():
        yield block
        return
    outermost = not _state.blocks
    if outermost:
        _state.received.clear()
        _state.saved = {sig: signal.signal(sig, _handle) for sig in SIGNALS}
    _state.blocks.append(block)
    try:
        yield block
    finally:
        _state.blocks.remove(block)
        if outermost:
            for sig, handler in _state.saved.items():
                signal.signal(sig, handler)
            _state.saved = {}


def say(line: str) -> None:
    """Write ``line`` on stderr from a signal handler: through ``sys.stderr`` when it can
    be written to now, else straight to file descriptor 2 (the handler may have interrupted
    a write to the same stream, which cannot be re-entered)."""
    try:
        sys.stderr.write(line + "\n")
        sys.stderr.flush()
    except (RuntimeError, OSError, ValueError, AttributeError):
        with contextlib.suppress(OSError):
            os.write(2, (line + "\n").encode("utf-8", "replace"))


def _handle(signum: int, frame: FrameType | None) -> None:
    _state.received.append(signum)
    if len(_state.received) > 1:
        say(f"interrupted again ({signal.Signals(signum).name}): stopping now")
        os._exit(forced_exit_status(signum))
    block = _state.blocks[-1] if _state.blocks else Stop()
    block.signum = signum
    say(f"interrupted: stopping{_kept(block)}")
    if block.on_stop is None:
        raise Interrupted(signum)
    block.on_stop()


def _kept(block: Stop) -> str:
    if block.kept is None:
        return ""
    try:
        text = block.kept()
    except Exception:  # the message must never keep the command from stopping
        logger.debug("could not say what is kept", exc_info=True)
        return ""
    return f"; {text}" if text else ""
