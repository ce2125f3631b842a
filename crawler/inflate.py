"""The beginning of a gzip or deflate body, decompressed no further than a size cap."""

from __future__ import annotations

import zlib

__all__ = ["ZLIB_ENCODINGS", "inflate_prefix"]

#: Content-Encodings zlib reads: gzip and zlib headers are detected (window bits 32 + 15).
ZLIB_ENCODINGS = frozenset({"gzip", "x-gzip", "deflate"})
_AUTO_HEADER = 47


def inflate_prefix(body: bytes, size: int) -> bytes:
    """The first ``size`` bytes ``body`` decompresses to (never more in memory), as far as a
    damaged or cut-off stream goes; b"" when it is no zlib stream at all."""
    for wbits in (_AUTO_HEADER, -15):  # -15: raw deflate, which some servers send
        try:
            return zlib.decompressobj(wbits).decompress(body, size)
        except zlib.error:
            continue
    return b""
