"""Text from scam pages made safe to print on a terminal.

Page titles, URLs, number contexts and bodies are chosen by the people the analyst is
watching. Written to a terminal, an escape sequence could recolour, hide or rewrite lines, set
the window title or, on some terminals, answer back; bidirectional overrides make text read
differently from what it is. :func:`for_terminal` removes escape sequences whole, shows other
control characters as ``\\xNN`` / ``\\u202e`` and keeps newlines and tabs only where asked.
JSON output needs none of this (``json.dumps`` escapes control characters).
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["for_terminal"]

# CSI (ESC [ ... final), OSC (ESC ] ... BEL or ESC \), other two-character escapes, and the
# 8-bit CSI/OSC introducers.
_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]?|\x9b[0-?]*[ -/]*[@-~]?"
    r"|[\x1b\x9d]\][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[@-Z\\-_]"
)
# Invisible characters that change how the rest of a line reads.
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def for_terminal(text: str | None, *, multiline: bool = False) -> str:
    """``text`` with escape sequences removed and other control characters made visible.

    ``multiline`` keeps newlines and tabs (a body); otherwise they show as ``\\x0a``/``\\x09``,
    so one value stays on one line.
    """
    if not text:
        return ""
    text = _ESCAPES.sub("", text)
    keep = "\n\t" if multiline else ""
    if multiline:
        text = text.replace("\r\n", "\n")
    return "".join(
        char if char in keep or not _hidden(char) else _shown(char) for char in text
    )


def _hidden(char: str) -> bool:
    return char in _BIDI or unicodedata.category(char) == "Cc"


def _shown(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
