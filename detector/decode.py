"""Bytes to text: binary sniffing, charset choice, and repair of UTF-8 read as Latin-1."""

from __future__ import annotations

import codecs
import re

#: Pages larger than this are analysed up to this many bytes (the rest is reported, not read).
MAX_BYTES = 8 * 1024 * 1024

_MAGIC = {
    b"%PDF": "PDF document",
    b"\x89PNG": "PNG image",
    b"GIF8": "GIF image",
    b"\xff\xd8\xff": "JPEG image",
    b"PK\x03\x04": "ZIP archive",
    b"\x1f\x8b": "gzip data",
    b"\x7fELF": "executable",
    b"MZ": "executable",
    b"RIFF": "media file",
    b"\x00\x00\x01\x00": "icon",
    b"OggS": "media file",
    b"ID3": "audio file",
    b"wOF": "web font",
}
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", re.IGNORECASE)
# Two-byte UTF-8 sequences shown as Latin-1/cp1252: "â€™", "Ã©", "Â ".
_MOJIBAKE = re.compile("[ÂÃâ][\u0080-\u00bf\u2018-\u203a\u0152-\u0178\u02c6\u02dc\u20ac\u2122]")


class UnsupportedContent(ValueError):
    """The input is not a page the detector can read (binary, empty…)."""


# Characters lxml (XML 1.0) refuses and a browser does not show: C0 controls other than tab,
# line feed and carriage return, DEL, lone surrogates and the two non-characters. Vertical tab
# and form feed render as white space, so they become spaces; the rest are dropped, so a
# control character inside a number ("1-888\x01-555-0199") cannot split it either. So is
# U+FFFD, what an invalid byte decodes to: one stray byte must not hide a number either.
_SPACE_CONTROLS = re.compile("[\x0b\x0c]")
_DROPPED = re.compile("[\x00-\x08\x0e-\x1f\x7f\ud800-\udfff\ufffd\ufffe\uffff]")
# A page read as cp1252 (mostly ASCII with a few bad bytes) turns a stray byte into a letter
# ("555-01ÿ99", a 3-byte sequence "01í\xa0€99"), which splits a number as surely as U+FFFD.
# Up to three such characters between two digits are dropped; not the no-break space alone,
# the soft hyphen (an obfuscation the number reader reports),
# the middle dot or the dashes, which separate digit groups.
_STRAY = (set(bytes(range(0x80, 0x100)).decode("cp1252", "replace"))
          | set(map(chr, range(0x80, 0xA0)))) - set("\xa0\xad\xb7\u2013\u2014\ufffd")
_STRAY_CLASS = "[" + re.escape("".join(sorted(_STRAY))) + "]"
# A no-break space counts inside a run that has a stray character (0xA0 is a byte like any).
_STRAY_IN_NUMBER = re.compile(
    f"(?<=[0-9])(?=\xa0*{_STRAY_CLASS})(?:{_STRAY_CLASS}|\xa0){{1,3}}(?=[0-9])")
_LOOKS_TEXT = re.compile(rb"<(?:!doctype|html|head|body|p|div|a|span|br|table|meta|title)\b", re.IGNORECASE)
_TEXT_TYPES = ("text/", "application/xhtml", "application/xml")


def clean_text(text: str) -> str:
    """``text`` with every character lxml would reject removed (or made a space): the one
    place page text becomes detector input, so no byte in a page can make analysis fail."""
    if _SPACE_CONTROLS.search(text):
        text = _SPACE_CONTROLS.sub(" ", text)
    if _DROPPED.search(text):
        text = _DROPPED.sub("", text)
    return text


def drop_stray_in_numbers(text: str) -> str:
    """``text`` without stray bytes' characters between digits (see ``_STRAY_IN_NUMBER``).
    Run after :func:`repair_mojibake`: "1âšš888" is a symbol written as UTF-8 and read as
    cp1252 (an obfuscation the number reader reports), not three stray bytes."""
    if not text.isascii() and _STRAY_IN_NUMBER.search(text):
        text = _STRAY_IN_NUMBER.sub("", text)
    return text


def sniff_binary(data: bytes, content_type: str | None = None) -> str | None:
    """A description of ``data`` when it is binary, else None.

    A scam page must not escape analysis by starting with ``%PDF`` or holding one NUL byte,
    so data whose start looks like HTML is never binary, and NUL bytes alone never make a
    body served as text (``text/html``…) binary: a browser renders it whatever it holds.
    """
    head = data[:4096]
    if _LOOKS_TEXT.search(head):
        return None
    for magic, kind in _MAGIC.items():
        if data.startswith(magic):
            return kind
    if content_type and content_type.strip().lower().startswith(_TEXT_TYPES):
        return None
    if b"\x00" in head and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "binary data"
    return None


def _declared(data: bytes, content_type: str | None) -> str | None:
    for found in (
        _HEADER_CHARSET.search(content_type or ""),
        _CHARSET.search(data[:4096]),
    ):
        if found:
            name = found.group(1)
            name = name.decode("ascii", "replace") if isinstance(name, bytes) else name
            try:
                return codecs.lookup(name).name
            except LookupError:
                continue
    return None


def decode(data: bytes, content_type: str | None = None) -> tuple[str, bool]:
    """(text, truncated) for a page body; raises UnsupportedContent for binary input."""
    kind = sniff_binary(data, content_type)
    if kind:
        raise UnsupportedContent(f"binary content ({kind}), not a web page")
    truncated = len(data) > MAX_BYTES
    data = data[:MAX_BYTES]
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, "replace"), truncated
    declared = _declared(data, content_type)
    try:
        return data.decode("utf-8"), truncated
    except UnicodeDecodeError as error:
        # A page cut at MAX_BYTES may end inside a character; anything else is not UTF-8.
        if truncated and error.start >= len(data) - 4:
            return data[: error.start].decode("utf-8"), truncated
    if declared and declared != "utf-8":
        return data.decode(declared, "replace"), truncated
    # UTF-8 with a few bad bytes (a cut-and-paste, a broken template) stays UTF-8: its valid
    # multi-byte characters outnumber the errors. In a legacy single-byte page nearly every
    # non-ASCII byte is an error, and it is read as cp1252.
    text = data.decode("utf-8", "replace")
    errors = text.count("\ufffd")
    valid_non_ascii = sum(1 for char in text if ord(char) > 0x7F) - errors
    if valid_non_ascii > errors:
        return text, truncated
    return data.decode("cp1252", "replace"), truncated


def repair_mojibake(text: str) -> str:
    """Undo UTF-8 that was decoded as cp1252/Latin-1 somewhere upstream, when that is what
    happened ("donât" → "don’t"); leave the text alone otherwise."""
    # Mojibake starts with one of three letters: finding none of them takes a few C scans,
    # far cheaper than the regex over a whole page.
    if text.isascii() or not any(lead in text for lead in "ÂÃâ") or not _MOJIBAKE.search(text):
        return text
    for encoding in ("cp1252", "latin-1"):
        try:
            return text.encode(encoding).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
    # Mixed text: repair line by line, keeping lines that do not round-trip.
    return "\n".join(_repair_line(line) for line in text.split("\n"))


def _repair_line(line: str) -> str:
    if not _MOJIBAKE.search(line):
        return line
    for encoding in ("cp1252", "latin-1"):
        try:
            return line.encode(encoding).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
    return line
