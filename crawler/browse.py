"""The Datasette plugin of ``scamlines[browse]``: a page's text, readable in the browser.

Bodies are stored zlib-compressed (``bodies.body``), which Datasette can only show as a
binary blob. This plugin gives every Datasette connection one SQL function,
``scamlines_text(body, content_type)``: the stored body decompressed and read as the
detector reads it (:func:`detector.text.read_page`: the visible text, never the markup, never
run), or NULL for what is not a web page (a PDF, an image) or not a body. The metadata's
canned query "A page's text and its sightings" calls it.

Datasette finds the plugin through the ``datasette`` entry point in ``pyproject.toml``, so it
is there whenever scamlines is installed next to Datasette (``pip install
'scamlines[browse]'``, or ``pip install -e '.[browse]'`` in a checkout); ``datasette
plugins`` lists it. Only this module imports Datasette, and only Datasette imports it.
"""

from __future__ import annotations

import sqlite3
import zlib

from datasette import hookimpl

__all__ = ["page_text", "prepare_connection"]


@hookimpl
def prepare_connection(conn: sqlite3.Connection) -> None:
    """Register ``scamlines_text`` on each connection Datasette opens."""
    conn.create_function("scamlines_text", 2, page_text, deterministic=True)


def page_text(body: object, content_type: object = None) -> str | None:
    """A stored (zlib-compressed) body as the text the detector reads; None when it is not a
    web page or text, or not a compressed body at all. Never raises: any value may be passed
    from an ad-hoc query."""
    from detector.decode import MAX_BYTES, UnsupportedContent
    from detector.text import read_page

    if not isinstance(body, bytes):
        return None
    try:
        # Capped like the detector's input, so a crafted blob cannot inflate without end.
        data = zlib.decompressobj().decompress(body, MAX_BYTES)
    except zlib.error:
        return None
    try:
        return read_page(data, content_type if isinstance(content_type, str) else None).text
    except UnsupportedContent:
        return None
