"""Unicode normalisation that undoes the tricks scam pages use to hide numbers from matchers.

NFKC folds superscript, fullwidth and mathematical digits to ASCII; format characters (zero-width
joiners, BOMs, soft hyphens) and variation selectors are dropped; decimal digits of other scripts
become ASCII. Offsets into the normalised text map back to the original, so evidence can quote
the number exactly as printed.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache


def _fold_char(char: str) -> str:
    category = unicodedata.category(char)
    # Cf: ZWJ/ZWNJ/ZWSP/BOM/soft hyphen/bidi marks; Mn: variation selectors (U+FE0E/F) and
    # combining marks such as the keycap U+20E3: invisible padding between digits.
    if category in ("Cf", "Mn", "Me"):
        return ""
    if category == "Nd":  # Arabic-Indic, Devanagari… digits, which NFKC leaves alone
        return str(unicodedata.digit(char))
    return unicodedata.normalize("NFKC", char)


# Dingbat digits NFKC leaves alone (❶, ➀, ➊, ⓵, ⓿): scam pages spell numbers with them.
_DINGBAT_DIGITS = {
    **{chr(first + n): str(n + 1) for first in (0x2776, 0x2780, 0x278A, 0x24F5) for n in range(9)},
    "\u24ff": "0",
}


def _fold(chunk: str, before: str = "", after: str = "") -> str:
    """``chunk`` folded; ``before`` and ``after``: the characters around it in the text."""
    parts = []
    on_letter = False  # the previous character is a letter of another script, or its mark
    for at, char in enumerate(chunk):
        category = unicodedata.category(char)
        if category == "Mn" and on_letter:
            # A vowel sign, virama or nukta of a letter (Devanagari "सेवा", Thai…) is part of
            # the word, not padding: only marks on ASCII, digits and symbols are dropped.
            parts.append(char)
            continue
        digit = _DINGBAT_DIGITS.get(char)
        if digit is not None:
            previous = chunk[at - 1] if at else before
            following = chunk[at + 1] if at + 1 < len(chunk) else after
            # Between two plain digits it separates groups ("1➀888➀620"), else it is one.
            parts.append("-" if previous.isascii() and previous.isdigit()
                         and following.isascii() and following.isdigit() else digit)
        else:
            parts.append(_fold_char(char))
        on_letter = category[0] == "L" or category == "Mc"
    return "".join(parts)


@lru_cache(maxsize=4096)
def _mojibake(run: str) -> str | None:
    """The punctuation mark a short run of mojibake stands for: UTF-8 read as Windows-1252,
    -1253 or Latin-1 ("â€¢" is "•", "β€’" is "‒", "â€™" is "’"), else None."""
    for codec in ("cp1252", "cp1253", "latin-1"):
        try:
            mark = run.encode(codec).decode("utf-8")
        except UnicodeError:
            continue
        if len(mark) == 1 and unicodedata.category(mark)[0] in "PSZ":
            return _fold_char(mark)
    return None


@dataclass(frozen=True, slots=True)
class Normalized:
    """Normalised text plus the map back to offsets in the original."""

    text: str
    original: str
    # Sorted anchors (normalised offset, original offset) at each point where lengths diverge.
    _norm_starts: tuple[int, ...]
    _orig_starts: tuple[int, ...]

    def original_offset(self, offset: int) -> int:
        """The offset in the original text of normalised offset ``offset``."""
        index = bisect_right(self._norm_starts, offset) - 1
        if index < 0:
            return offset
        return self._orig_starts[index] + (offset - self._norm_starts[index])

    def original_slice(self, start: int, end: int) -> str:
        """The original text behind ``text[start:end]``."""
        return self.original[self.original_offset(start) : self.original_offset(end)]


def normalize(text: str) -> Normalized:
    """Fold ``text`` for matching; ASCII text is returned as is (the common, fast case)."""
    if text.isascii():
        return Normalized(text, text, (), ())
    parts: list[str] = []
    norm_starts: list[int] = []
    orig_starts: list[int] = []
    position = norm_length = 0
    for start, run in _non_ascii_runs(text):
        end = start + len(run)
        parts.append(text[position:start])
        norm_length += start - position
        folded = (2 <= len(run) <= 4 and _mojibake(run)) or _fold(
            run, text[start - 1] if start else "", text[end] if end < len(text) else "")
        # Anchor both ends of the run, so offsets inside it land at its start and offsets
        # after it shift by the length difference.
        norm_starts.append(norm_length)
        orig_starts.append(start)
        parts.append(folded)
        norm_length += len(folded)
        norm_starts.append(norm_length)
        orig_starts.append(end)
        position = end
    parts.append(text[position:])
    return Normalized("".join(parts), text, tuple(norm_starts), tuple(orig_starts))


def _non_ascii_runs(text: str) -> Iterator[tuple[int, str]]:
    """(offset, run) for each run of non-ASCII characters in ``text``.

    Found in the UTF-8 bytes with ``bytes.find`` (a page with a few curly quotes costs a few
    microseconds, where a character-class regex costs ten nanoseconds a character); byte
    offsets become character offsets by counting the extra bytes of the runs before."""
    encoded, found = shapes(text, _ASCII_OR_NOT)
    extra = 0  # bytes beyond one per character, in the runs so far
    start = found.find(b"x")
    while start >= 0:
        end = found.find(b"a", start)
        end = len(found) if end < 0 else end
        run = encoded[start:end].decode("utf-8", "surrogatepass")
        yield start - extra, run
        extra += end - start - len(run)
        start = found.find(b"x", end)


def fold_text(text: str) -> str:
    """Normalised text only (no offset map)."""
    return text if text.isascii() else normalize(text).text


def lower_same_length(text: str) -> str:
    """``text.lower()``, unless lowering changes the length (``İ`` → ``i̇``): then per character,
    so offsets into the result stay offsets into ``text``."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(char.lower()[0] for char in text)


def byte_classes(classes: dict[bytes, int]) -> bytes:
    """A ``bytes.translate`` table sending each byte of each key to its value and every other
    byte (all of UTF-8's multi-byte sequences included) to a space."""
    table = bytearray(b" " * 256)
    for members, value in classes.items():
        for byte in members:
            table[byte] = value
    return bytes(table)


_ASCII_OR_NOT = byte_classes({bytes(range(128)): ord("a"), bytes(range(128, 256)): ord("x")})


def shapes(text: str, table: bytes) -> tuple[bytes, bytes]:
    """``text`` as UTF-8, and as one class byte per byte of that (see :func:`byte_classes`).

    Searching the class bytes for a short pattern runs in C at memory speed, where a regex
    that starts with a character class costs about ten nanoseconds a character: the cheap way
    to learn that a page has nothing a costly pattern could match, or where it is. Lone
    surrogates are kept (three bytes each), so ``encoded[:n].decode("utf-8", "surrogatepass")``
    maps a byte offset back to a character offset."""
    encoded = text.encode("utf-8", "surrogatepass")
    return encoded, encoded.translate(table)
