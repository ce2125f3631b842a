"""The ``scamlines scan --config FILE`` file: one TOML document describing a watch list.

See ``examples/scan.toml`` for every key with a comment. In short::

    name = "nightly-airlines"        # optional; default: the file's name without .toml
    db = "scamlines.db"              # the store; relative paths are relative to THIS file
    allowlist = ["my-allowlist/"]    # optional layers on the bundled allowlist (or one string)
    bundled_allowlist = true         # false: those layers alone (SCAMLINES_ALLOWLIST is not read)
    seeds = ["https://…", "saved-pages/"]   # URLs, local HTML files or folders
    seed_files = ["watchlist.txt"]   # files listing seeds, one a line (# comments)
    brands = ["Delta Air Lines"]     # optional: only findings for these brands are reported

    [limits]   depth = 2, max_pages = 500, timeout = 1800 (seconds; 0: none)
    [crawl]    user_agent, ignore_robots, follow_offsite, allow_hosts, resolve, resolve_only,
               render ("never", "auto", "always"),
               settings = { DOWNLOAD_DELAY = 2 }
    [discovery]  provider = "searxng" | "urls", searxng_url, urls_file, brands, languages,
                 queries_file (templates), queries (literal), max_results, timeout, delay,
                 max_wait: searched before the crawl; the candidates join the seeds
    [[reports]]  format = "csv", path = "out/nightly.csv"

Every problem is reported as ``file:line: message``: ``tomllib`` gives the line of syntax
errors, and :class:`allowlist.source.SourceMap` finds the line of a key whose value is wrong.
Relative paths resolve against the folder of the configuration file, never the current
directory: cron starts jobs in ``$HOME``.
"""

from __future__ import annotations

import difflib
import math
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from allowlist import safetoml
from allowlist.loader import Selection
from allowlist.model import Problem
from allowlist.source import SourceMap
from crawler.settingcheck import setting_problems

__all__ = ["DiscoverySpec", "ReportSpec", "ScanConfig", "ScanConfigError", "load_scan_config"]

_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")

#: Keys each table accepts ("" is the top level).
KEYS: dict[str, tuple[str, ...]] = {
    "": ("name", "db", "allowlist", "bundled_allowlist", "seeds", "seed_files", "brands", "limits", "crawl",
         "discovery", "reports", "redis"),
    "limits": ("depth", "max_pages", "timeout"),
    "crawl": ("user_agent", "ignore_robots", "follow_offsite", "allow_hosts", "resolve",
              "resolve_only", "settings", "render"),
    "discovery": ("provider", "searxng_url", "urls_file", "brands", "languages", "queries_file",
                  "queries", "max_results", "timeout", "delay", "max_wait", "engine"),
    "reports": ("format", "path"),
}  # fmt: skip


class ScanConfigError(Exception):
    """The configuration file has problems; ``str(err)`` lists them, one ``file:line:`` each."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(_located(problem) for problem in problems))


def _located(problem: Problem) -> str:
    """``file:line: message``, or ``file: message`` for the file as a whole (line 0)."""
    return str(problem) if problem.line else f"{problem.file}: {problem.message}"


@dataclass(frozen=True)
class ReportSpec:
    """One ``[[reports]]`` entry: write ``format`` to ``path`` after the scan."""

    format: str
    path: Path


@dataclass(frozen=True)
class DiscoverySpec:
    """The ``[discovery]`` table: ``scamlines discover``'s options, run before each crawl.

    The queries are ``queries`` (literal) plus every template of ``languages`` (from
    ``queries_file``, default the bundled one) for each of ``brands``. ``searxng_url`` None:
    ``SCAMLINES_SEARXNG_URL`` from the environment when the scan runs.
    """

    provider: str = "searxng"
    searxng_url: str | None = None
    urls_file: Path | None = None
    brands: tuple[str, ...] = ()
    languages: tuple[str, ...] = ("en",)
    queries_file: Path | None = None
    queries: tuple[str, ...] = ()
    max_results: int | None = None  #: per query (0: all); None: 20 per query, all of a list
    timeout: float = 10.0
    delay: float = 1.0
    max_wait: float = 30.0


@dataclass(frozen=True)
class ScanConfig:
    """A validated scan configuration; every path is absolute."""

    path: Path
    name: str
    db: Path
    seeds: tuple[str, ...]
    allowlist: Selection = field(default_factory=Selection)
    brands: tuple[str, ...] = ()
    depth: int = 3
    max_pages: int = 1000
    timeout: float = 3600.0  #: seconds; 0: no limit
    user_agent: str | None = None
    ignore_robots: bool = False
    follow_offsite: bool = False
    allow_hosts: tuple[str, ...] = ()
    resolve: dict[str, str] = field(default_factory=dict)
    resolve_only: bool = False
    settings: dict[str, Any] = field(default_factory=dict)
    render: str | None = None  #: never | auto | always (None: the crawl's default, auto)
    discovery_queries: tuple[str, ...] = ()  #: ``[discovery] queries`` (literal)
    reports: tuple[ReportSpec, ...] = ()
    discovery: DiscoverySpec | None = None  #: None: no ``[discovery]`` table
    #: A distributed run: the Redis URL workers join (``scamlines worker --redis URL``).
    redis: str | None = None


def load_scan_config(path: str | Path) -> ScanConfig:
    """Read and validate the scan configuration at ``path``; raises :class:`ScanConfigError`."""
    file = Path(path).expanduser().resolve()
    text = _read(file)
    try:
        document = safetoml.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ScanConfigError([_syntax_problem(str(file), text, err)]) from None
    checker = _Checker(file, SourceMap(text))
    config = checker.config(document)
    if checker.problems:
        raise ScanConfigError(checker.problems)
    assert config is not None
    return config


def _read(file: Path) -> str:
    try:
        return file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScanConfigError([Problem(str(file), 0, "no such configuration file")]) from None
    except IsADirectoryError:
        raise ScanConfigError([Problem(str(file), 0, "is a folder, not a TOML file")]) from None
    except (OSError, UnicodeDecodeError) as err:
        raise ScanConfigError([Problem(str(file), 0, f"cannot read: {err}")]) from None


def _syntax_problem(file: str, text: str, err: tomllib.TOMLDecodeError) -> Problem:
    message = str(err)
    match = _TOML_POSITION.search(message)
    if match is None:  # "(at end of document)"
        return Problem(file, text.count("\n") + 1, f"TOML syntax error: {message}")
    return Problem(file, int(match[1]), f"TOML syntax error: {message[: match.start()]}")


class _Checker:
    """Validates one document, collecting every problem rather than stopping at the first."""

    def __init__(self, file: Path, source: SourceMap) -> None:
        self.file = file
        self.folder = file.parent
        self.source = source
        self.problems: list[Problem] = []

    def problem(self, message: str, key: str | None = None, table: str = "", index: int = 0,
                value: str | None = None) -> None:
        line = self.source.line(key, table=table, index=index, value=value)
        where = f"[[{table}]] " if table == "reports" else f"[{table}] " if table else ""
        label = f"{where}{key}: " if key else where
        self.problems.append(Problem(str(self.file), line, f"{label}{message}"))

    # --- the document ----------------------------------------------------------------------

    def config(self, doc: dict[str, Any]) -> ScanConfig | None:
        self.unknown_keys(doc, "")
        limits = self.table(doc, "limits")
        crawl = self.table(doc, "crawl")
        discovery = self.table(doc, "discovery")
        seeds = self.seeds(doc)
        layers = self.allowlist(doc)
        values: dict[str, Any] = {
            "path": self.file,
            "name": self.string(doc, "name") or self.file.stem,
            "db": self.db(doc),
            "seeds": seeds,
            "allowlist": layers,
            "depth": self.count(limits, "depth", "limits", 3),
            "max_pages": self.count(limits, "max_pages", "limits", 1000),
            "timeout": self.seconds(limits),
            "user_agent": self.string(crawl, "user_agent", "crawl"),
            "ignore_robots": self.flag(crawl, "ignore_robots"),
            "follow_offsite": self.flag(crawl, "follow_offsite"),
            "allow_hosts": self.hosts(crawl),
            "resolve": self.resolve(crawl),
            "resolve_only": self.flag(crawl, "resolve_only"),
            "settings": self.settings(crawl),
            "render": self.render(crawl),
            "discovery_queries": tuple(self.strings(discovery, "queries", "discovery")),
            "reports": self.reports(doc),
            "discovery": self.discovery(discovery) if "discovery" in doc else None,
            "redis": self.redis(doc),
        }
        values["brands"] = self.brands(doc, layers)
        self.discovery_queries(values["discovery"], layers)
        if self.problems:
            return None
        return ScanConfig(**values)

    def unknown_keys(self, table: dict[str, Any], name: str, index: int = 0) -> None:
        allowed = KEYS[name]
        for key in table:
            if key not in allowed:
                close = difflib.get_close_matches(key, allowed, n=1)
                hint = f" (did you mean {close[0]}?)" if close else ""
                self.problem(f"unknown key{hint}; known keys: {', '.join(allowed)}",
                             key, name, index)

    def table(self, doc: dict[str, Any], name: str) -> dict[str, Any]:
        value = doc.get(name, {})
        if not isinstance(value, dict):
            self.problem("must be a table ([" + name + "])", name)
            return {}
        self.unknown_keys(value, name)
        return value

    # --- typed values ----------------------------------------------------------------------

    def string(self, table: dict[str, Any], key: str, name: str = "") -> str | None:
        value = table.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            self.problem("must be a non-empty string", key, name)
            return None
        return value.strip()

    def render(self, crawl: dict[str, Any]) -> str | None:
        value = self.string(crawl, "render", "crawl")
        if value is not None and value not in ("never", "auto", "always"):
            self.problem("must be never, auto or always", "render", "crawl")
            return None
        return value

    def strings(self, table: dict[str, Any], key: str, name: str = "") -> list[str]:
        value = table.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.problem("must be a list of non-empty strings", key, name)
            return []
        return [v.strip() for v in value]

    def flag(self, table: dict[str, Any], key: str) -> bool:
        value = table.get(key, False)
        if not isinstance(value, bool):
            self.problem("must be true or false", key, "crawl")
            return False
        return value

    def count(self, table: dict[str, Any], key: str, name: str, default: int) -> int:
        value = table.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            self.problem("must be a whole number, 0 or more", key, name)
            return default
        return value

    def seconds(self, table: dict[str, Any]) -> float:
        value = table.get("timeout", 3600)
        if (isinstance(value, bool) or not isinstance(value, int | float)
                or not math.isfinite(value) or value < 0):
            self.problem("must be a number of seconds, 0 (no limit) or more", "timeout", "limits")
            return 3600.0
        return float(value)

    def redis(self, doc: dict[str, Any]) -> str | None:
        url = self.string(doc, "redis")
        if url is not None and not url.startswith(("redis://", "rediss://", "unix://")):
            self.problem("must be a redis://, rediss:// or unix:// URL", "redis")
        return url

    def local_path(self, value: str) -> Path:
        return (self.folder / Path(value).expanduser()).resolve()

    # --- paths -----------------------------------------------------------------------------

    def db(self, doc: dict[str, Any]) -> Path:
        value = self.string(doc, "db") or "scamlines.db"
        path = self.local_path(value)
        if path.is_dir():
            self.problem(f"{path} is a folder; name the database file", "db")
        elif not path.parent.is_dir():
            self.problem(f"folder {path.parent} does not exist", "db")
        return path

    def allowlist(self, doc: dict[str, Any]) -> Selection:
        """The layers: ``allowlist`` (a path or a list of them) and ``bundled_allowlist``."""
        paths = []
        for value in self.strings(doc, "allowlist"):
            path = self.local_path(value)
            if not path.exists():
                self.problem(f"{path}: no such folder or file", "allowlist", value=value)
            paths.append(path)
        bundled = doc.get("bundled_allowlist", True)
        if not isinstance(bundled, bool):
            self.problem("must be true or false", "bundled_allowlist")
            bundled = True
        return Selection.of(paths, bundled=bundled)

    def seeds(self, doc: dict[str, Any]) -> tuple[str, ...]:
        from crawler.seeds import SeedError, read_seeds_file

        resolved: list[str] = []
        known_problems = len(self.problems)
        for seed in self.strings(doc, "seeds"):
            line = self.source.line("seeds", value=seed)
            resolved += self.seed(seed, self.folder, f"{self.file}:{line}")
        for name in self.strings(doc, "seed_files"):
            file = self.local_path(name)
            try:
                entries = read_seeds_file(file)
            except SeedError as err:
                self.problem(str(err), "seed_files", value=name)
                continue
            for seed, where in entries:  # where: "file:line" inside the seeds file
                resolved += self.seed(seed, file.parent, where)
        if not resolved and len(self.problems) == known_problems:
            key = "seeds" if "seeds" in doc else None
            self.problem("no seeds: give seeds = [URLs, files or folders] or seed_files", key)
        return tuple(dict.fromkeys(resolved))

    def seed(self, seed: str, folder: Path, where: str) -> list[str]:
        """``seed`` made independent of the current directory ([] when it is unusable)."""
        from crawler.seeds import SeedError, parse_seeds

        try:
            parse_seeds([seed], base=folder)
        except SeedError as err:
            file, _, line = where.rpartition(":")
            self.problems.append(Problem(file, int(line), f"seeds: {err}"))
            return []
        if "://" in seed:
            return [seed]
        return [str((folder / Path(seed).expanduser()).resolve())]

    # --- crawl options ---------------------------------------------------------------------

    def hosts(self, crawl: dict[str, Any]) -> tuple[str, ...]:
        from crawler.netguard import parse_allowed_host

        hosts = self.strings(crawl, "allow_hosts", "crawl")
        for host in hosts:
            try:
                parse_allowed_host(host)
            except ValueError as err:
                self.problem(str(err), "allow_hosts", "crawl", value=host)
        return tuple(hosts)

    def resolve(self, crawl: dict[str, Any]) -> dict[str, str]:
        import ipaddress

        value = crawl.get("resolve", {})
        if not isinstance(value, dict):
            self.problem('must be a table of "host" = "address"', "resolve", "crawl")
            return {}
        pins = {}
        for host, address in value.items():
            try:
                ipaddress.ip_address(str(address))
            except ValueError:
                self.problem(f"{host} = {address!r}: not an IP address", "resolve", "crawl")
                continue
            pins[str(host).lower()] = str(address)
        return pins

    def settings(self, crawl: dict[str, Any]) -> dict[str, Any]:
        value = crawl.get("settings", {})
        if not isinstance(value, dict):
            self.problem("must be a table of Scrapy or SCAMLINES_* settings", "settings", "crawl")
            return {}
        for name in value:
            if name != name.upper():
                self.problem(f"{name}: setting names are upper case (DOWNLOAD_DELAY)",
                             "settings", "crawl")
        for problem in setting_problems(value):
            name, _, message = problem.partition(": ")
            self.problem(message, name, "crawl.settings")
        return dict(value)

    def discovery(self, table: dict[str, Any]) -> DiscoverySpec:
        name = "discovery"
        provider = self.string(table, "provider", name) or self.string(table, "engine", name)
        if provider not in (None, "searxng", "urls"):
            self.problem(f"unknown provider {provider!r}; known: searxng, urls",
                         "provider" if "provider" in table else "engine", name)
        urls_file = self.string(table, "urls_file", name)
        queries_file = self.string(table, "queries_file", name)
        spec = DiscoverySpec(
            provider=provider or "searxng",
            searxng_url=self.string(table, "searxng_url", name),
            urls_file=self.local_path(urls_file) if urls_file else None,
            brands=tuple(self.strings(table, "brands", name)),
            languages=tuple(self.strings(table, "languages", name)) or ("en",),
            queries_file=self.local_path(queries_file) if queries_file else None,
            queries=tuple(self.strings(table, "queries", name)),
            max_results=self.count(table, "max_results", name, 0) if "max_results" in table
            else None,
            timeout=self.positive(table, "timeout", 10.0),
            delay=self.positive(table, "delay", 1.0, zero=True),
            max_wait=self.positive(table, "max_wait", 30.0, zero=True),
        )  # fmt: skip
        if spec.provider == "urls":
            if spec.urls_file is None:
                self.problem('provider "urls" needs urls_file = "FILE" (one URL a line)', None, name)
            elif not spec.urls_file.is_file():
                self.problem(f"{spec.urls_file}: no such file", "urls_file", name)
            for key in ("brands", "languages", "queries_file", "queries"):
                if key in table:
                    self.problem('applies to search providers, not provider "urls"', key, name)
        elif not spec.queries and not spec.brands:
            self.problem("nothing to search: give queries = [...] or brands = [...] "
                         "(their query templates are asked)", None, name)
        if spec.queries_file is not None and not spec.queries_file.is_file():
            self.problem(f"{spec.queries_file}: no such file", "queries_file", name)
        return spec

    def discovery_queries(self, spec: DiscoverySpec | None, layers: Selection) -> None:
        """The ``[discovery]`` brands, languages and templates make queries (else a problem)."""
        if spec is None or not spec.brands or self.problems:
            return
        import allowlist
        from crawler.discovery import QueryError, build_queries, load_templates, select_brands

        try:
            loaded = layers.load()
            templates = load_templates(spec.queries_file)
            build_queries(select_brands(loaded, spec.brands), templates, spec.languages)
        except allowlist.AllowlistError:
            return  # reported with the allowlist
        except QueryError as err:
            self.problem(str(err), None, "discovery")

    def positive(self, table: dict[str, Any], key: str, default: float, zero: bool = False) -> float:
        value = table.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0 \
                or (value == 0 and not zero):  # fmt: skip
            self.problem(f"must be a number of seconds{', 0 or more' if zero else ' above 0'}",
                         key, "discovery")
            return default
        return float(value)

    # --- reports and brands ----------------------------------------------------------------

    def reports(self, doc: dict[str, Any]) -> tuple[ReportSpec, ...]:
        entries = doc.get("reports", [])
        if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            self.problem("write each report as a [[reports]] table", "reports")
            return ()
        specs = []
        known = _report_formats()
        for index, entry in enumerate(entries):
            self.unknown_keys(entry, "reports", index)
            fmt, path = entry.get("format"), entry.get("path")
            if not isinstance(fmt, str) or not fmt.strip():
                self.problem("must be a non-empty string", "format", "reports", index)
                continue
            if known and fmt not in known:
                self.problem(f"unknown report format {fmt!r}; known: {', '.join(sorted(known))}",
                             "format", "reports", index)
            if not isinstance(path, str) or not path.strip():
                self.problem("must be a non-empty string (where to write the report)",
                             "path", "reports", index)
                continue
            specs.append(ReportSpec(fmt.strip(), self.local_path(path.strip())))
        return tuple(specs)

    def brands(self, doc: dict[str, Any], layers: Selection) -> tuple[str, ...]:
        names = self.strings(doc, "brands")
        if not names or any(p.message.startswith("allowlist:") for p in self.problems):
            return tuple(names)  # no allowlist to check the names against
        import allowlist

        try:
            loaded = layers.load()
        except allowlist.AllowlistError as err:
            first = str(err.problems[0]) if err.problems else str(err)
            self.problem(f"the allowlist does not load ({first})", "allowlist")
            return ()
        canonical = []
        for name in names:
            brand = loaded.brand(name) or _by_name(loaded, name)
            if brand is None:
                close = difflib.get_close_matches(name, [b.name for b in loaded], n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                self.problem(f"{name!r} is not a brand of the allowlist{hint}", "brands",
                             value=name)
            else:
                canonical.append(brand.name)
        return tuple(dict.fromkeys(canonical))


def _by_name(loaded: Any, name: str) -> Any:
    folded = name.casefold()
    return next((b for b in loaded if b.name.casefold() == folded), None)


def _report_formats() -> frozenset[str]:
    """The formats ``reports`` can write (empty when it cannot say: accept any)."""
    try:
        from reports.formats import FORMATS
    except ImportError:
        return frozenset()
    return frozenset(FORMATS)
