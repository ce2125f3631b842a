"""Scheduled scans and the run history: what a nightly watch does and what it found changed.

* :mod:`.config` reads a scan's TOML file, :mod:`.lock` keeps two scans from running at once;
* :mod:`.scan` runs one scan (a crawl of the watch list, then the diff);
* :mod:`.history` compares two runs (new, still, gone, back), :mod:`.difftext` says it in text;
* :mod:`.clusters` groups pages by the number they share, :mod:`.reputation` scores a number by
  where else it was flagged;
* :mod:`.triage` records an analyst's decision, :mod:`.rescan` re-judges stored pages.

The scans read and write the store through :mod:`crawler.store`; the store never imports them.
"""
