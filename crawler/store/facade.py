"""The :class:`Store` class: one object with every store method, each defined by what it does."""

from __future__ import annotations

from crawler.store.discoveries import DiscoveriesMixin
from crawler.store.evidence import EvidenceMixin
from crawler.store.findings import FindingsMixin
from crawler.store.history import HistoryMixin
from crawler.store.numbers import NumbersMixin
from crawler.store.pages import PagesMixin
from crawler.store.record import RecordMixin
from crawler.store.renders import RendersMixin
from crawler.store.rescan import RescanMixin
from crawler.store.runs import RunsMixin
from crawler.store.takedowns import TakedownsMixin


class Store(
    RunsMixin,
    RecordMixin,
    RescanMixin,
    PagesMixin,
    FindingsMixin,
    TakedownsMixin,
    NumbersMixin,
    EvidenceMixin,
    HistoryMixin,
    DiscoveriesMixin,
    RendersMixin,
):
    """A scamlines database. Use :func:`open_store`; one ``Store`` per thread.

    Writes are grouped in transactions (``db.atomic()``); the write methods wrap SQLite
    errors in :class:`StoreError`.

    Its methods live in ``crawler/store/``, one file per job: ``runs.py`` (start, finish,
    resume, look up runs), ``record.py`` (record a crawled page), ``rescan.py`` (rescan
    targets and reports), ``pages.py``, ``findings.py`` (and triage), ``takedowns.py``,
    ``numbers.py``, ``evidence.py`` (bodies, sightings, a page's evidence), ``history.py``
    (what each run saw), ``discoveries.py`` and ``renders.py`` (screenshots, rendered text); ``base.py`` holds the connection they share.
    """
