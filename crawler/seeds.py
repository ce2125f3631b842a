"""Seeds: what a crawl starts from. URLs, local files and folders, seed files. No Scrapy.

Accepted forms, on the command line or one per line in a ``--seeds-file``:

* ``http://…`` / ``https://…`` URLs, including sitemaps (``…/sitemap.xml``, ``…/robots.txt``),
  which the spider expands into their listed pages;
* a local HTML file, as a path or ``file://`` URL: it is crawled, and so are the files it links
  to inside its folder;
* a local folder: every ``.html``/``.htm`` file under it is a seed.

Local seeds are the only ``file:`` URLs a crawl may read; their folders become the crawl's
*file roots* (``SCAMLINES_FILE_ROOTS``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from w3lib.url import file_uri_to_path, path_to_file_uri

from crawler.requesturl import BadURL, request_url

__all__ = ["HTML_SUFFIXES", "SeedError", "SeedSet", "parse_seeds", "read_seeds_file"]

HTML_SUFFIXES = (".html", ".htm", ".xhtml")


class SeedError(ValueError):
    """A seed that cannot be crawled; the message names it and says why."""


@dataclass(frozen=True)
class SeedSet:
    """Seed URLs in order (duplicates removed) and the local folders they may read."""

    urls: tuple[str, ...]
    file_roots: tuple[Path, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.urls)


def parse_seeds(
    seeds: Iterable[str], seeds_file: str | Path | None = None, *, base: Path | None = None
) -> SeedSet:
    """Turn command-line seeds (and a seeds file) into a :class:`SeedSet`.

    Relative paths are relative to ``base`` (default: the current directory); those in a
    seeds file are relative to the file's folder. Raises :class:`SeedError`.
    """
    base = base or Path.cwd()
    entries: list[tuple[str, Path, str | None]] = [(seed, base, None) for seed in seeds]
    if seeds_file is not None:
        path = Path(seeds_file).expanduser()
        folder = (base / path).resolve().parent
        entries += [(seed, folder, where) for seed, where in read_seeds_file(base / path)]
    urls: dict[str, None] = {}
    roots: dict[Path, None] = {}
    for seed, folder, where in entries:
        try:
            found, root = _one_seed(seed, folder)
        except SeedError as err:
            raise SeedError(f"{where}: {err}" if where else str(err)) from None
        urls.update(dict.fromkeys(found))
        if root is not None:
            roots[root] = None
    if not urls:
        raise SeedError("no seeds: give URLs, files or folders (or --seeds-file)")
    return SeedSet(tuple(urls), tuple(roots))


def read_seeds_file(path: str | Path) -> list[tuple[str, str]]:
    """``[(seed, "file:line"), …]`` from a seeds file; blank lines and ``#`` comments skipped."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SeedError(f"{path}: no such seeds file") from None
    except (OSError, UnicodeDecodeError) as err:
        raise SeedError(f"{path}: cannot read seeds file ({err})") from None
    seeds = []
    for number, line in enumerate(text.splitlines(), start=1):
        value = line.split(" #", 1)[0].strip()  # "#" inside a URL is a fragment, not a comment
        if value and not value.startswith("#"):
            seeds.append((value, f"{path}:{number}"))
    return seeds


def _one_seed(seed: str, folder: Path) -> tuple[list[str], Path | None]:
    value = seed.strip()
    scheme = value.split("://", 1)[0].lower() if "://" in value else ""
    if scheme in ("http", "https"):
        return [_http_seed(value)], None
    if scheme == "file":
        return _path_seed(Path(file_uri_to_path(value)), value)
    if scheme:
        raise SeedError(f"{seed}: only http(s) URLs and local files can be crawled")
    return _path_seed(folder / Path(value).expanduser(), value)


def _http_seed(value: str) -> str:
    try:
        url = request_url(value).url
    except BadURL as error:
        raise SeedError(str(error)) from None
    return url if urlsplit(url).path else url + "/"


def _path_seed(path: Path, shown: str) -> tuple[list[str], Path]:
    if not path.exists():
        hint = f" (did you mean https://{shown}/ ?)" if _looks_like_host(shown) else ""
        raise SeedError(f"{shown}: not an http(s) URL and no such file or folder{hint}")
    path = path.resolve()
    if path.is_dir():
        pages = sorted(p for p in path.rglob("*") if p.suffix.lower() in HTML_SUFFIXES)
        if not pages:
            raise SeedError(f"{shown}: folder holds no .html files")
        return [path_to_file_uri(str(p)) for p in pages if p.is_file()], path
    if not path.is_file():
        raise SeedError(f"{shown}: not a regular file")
    return [path_to_file_uri(str(path))], path.parent


def _looks_like_host(value: str) -> bool:
    head = value.split("/", 1)[0]
    return "." in head and " " not in head and not head.startswith(".")
