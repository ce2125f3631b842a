"""Every ``SCAMLINES_*`` setting, read and validated in one place.

Components call :meth:`CrawlConfig.from_settings` (the scrapy-playwright ``Config`` pattern)
instead of reading settings one by one, so defaults and validation live here and in
:mod:`crawler.settings` only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from allowlist.loader import Selection
from crawler.netguard import AllowedHost, parse_allowed_host

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings

__all__ = ["CrawlConfig"]


@dataclass(frozen=True)
class CrawlConfig:
    """The scamlines part of a crawl's settings (see :mod:`crawler.settings` for each)."""

    db: Path
    db_timeout: float = 30.0
    allowlist: Selection = field(default_factory=Selection)
    seeds: tuple[str, ...] = ()
    max_pages: int = 1000
    follow_links: bool = True
    follow_offsite: bool = False
    allow_hosts: tuple[AllowedHost, ...] = ()
    resolve: dict[str, str] = field(default_factory=dict)
    resolve_only: bool = False
    file_roots: tuple[Path, ...] = ()
    detector_enabled: bool = True
    page_worker: bool = True
    store_batch: int = 100
    body_store_maxsize: int = 8 * 1024 * 1024
    run_id: int | None = None
    replay: bool = False
    progress_interval: float = 0.0
    focused: bool = True
    sitemap_max_urls: int = 5000

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> CrawlConfig:
        """Read ``SCAMLINES_*``; raises ValueError naming the setting that is wrong."""
        run_id = settings.get("SCAMLINES_RUN_ID")
        config = cls(
            db=Path(settings.get("SCAMLINES_DB") or "scamlines.db").expanduser().absolute(),
            db_timeout=settings.getfloat("SCAMLINES_DB_TIMEOUT", 30.0),
            allowlist=Selection.of(
                _strings(settings.getlist("SCAMLINES_ALLOWLIST")),
                bundled=settings.getbool("SCAMLINES_ALLOWLIST_BUNDLED", True),
            ),
            seeds=tuple(_strings(settings.getlist("SCAMLINES_SEEDS"))),
            max_pages=settings.getint("SCAMLINES_MAX_PAGES", 1000),
            follow_links=settings.getbool("SCAMLINES_FOLLOW_LINKS", True),
            follow_offsite=settings.getbool("SCAMLINES_FOLLOW_OFFSITE"),
            allow_hosts=tuple(_allowed_hosts(settings.getlist("SCAMLINES_ALLOW_HOSTS"))),
            resolve=_resolve_map(settings.getdict("SCAMLINES_RESOLVE")),
            resolve_only=settings.getbool("SCAMLINES_RESOLVE_ONLY"),
            file_roots=tuple(Path(p).resolve() for p in settings.getlist("SCAMLINES_FILE_ROOTS")),
            detector_enabled=settings.getbool("SCAMLINES_DETECTOR_ENABLED", True),
            page_worker=settings.getbool("SCAMLINES_PAGE_WORKER", True),
            store_batch=settings.getint("SCAMLINES_STORE_BATCH", 100),
            body_store_maxsize=settings.getint("SCAMLINES_BODY_STORE_MAXSIZE", 8 * 1024 * 1024),
            run_id=int(run_id) if run_id not in (None, "") else None,
            replay=settings.getbool("SCAMLINES_REPLAY"),
            progress_interval=settings.getfloat("SCAMLINES_PROGRESS_INTERVAL", 0.0),
            focused=settings.getbool("SCAMLINES_FOCUSED", True),
            sitemap_max_urls=settings.getint("SCAMLINES_SITEMAP_MAX_URLS", 5000),
        )
        config.validate()
        return config

    def validate(self) -> None:
        """Raise ValueError for values no crawl can run with."""
        if self.max_pages < 0:
            raise ValueError("SCAMLINES_MAX_PAGES must be 0 (no limit) or more")
        if self.sitemap_max_urls < 0:
            raise ValueError("SCAMLINES_SITEMAP_MAX_URLS must be 0 (no limit) or more")
        if self.store_batch < 1:
            raise ValueError("SCAMLINES_STORE_BATCH must be 1 or more")
        if self.replay and self.run_id is None:
            raise ValueError("SCAMLINES_REPLAY needs SCAMLINES_RUN_ID (the run being resumed)")


def _strings(values: list[str]) -> list[str]:
    return [v.strip() for v in values if v and v.strip()]


def _allowed_hosts(values: list[str]) -> list[AllowedHost]:
    hosts = []
    for value in _strings(values):
        try:
            hosts.append(parse_allowed_host(value))
        except ValueError as err:
            raise ValueError(f"SCAMLINES_ALLOW_HOSTS: {err}") from None
    return hosts


def _resolve_map(values: dict[str, str]) -> dict[str, str]:
    return {str(k).lower().rstrip("."): str(v) for k, v in values.items()}
