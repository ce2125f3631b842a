"""The project's layout holds: which package may import what, no import cycles, no huge modules.

The rules are the README's "How it fits together" map, checked on the source with ``ast``
(nothing is imported or run). Every import counts, at module level or inside a function, and
type-only imports too: a cycle that only exists for the type checker is still a knot a reader
has to untie.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("crawler", "detector", "allowlist", "reports")
MAX_MODULE_LINES = 600

# package (or sub-package) -> top-level modules or project packages it must never import.
FORBIDDEN = {
    # Pure analysis: no crawler, no database, no network, no file system. Its bundled word
    # lists are read with importlib.resources, which is not banned.
    "detector": (
        "scrapy", "twisted", "sqlite3", "sqlite_utils", "crawler", "reports",
        "os", "pathlib", "shutil", "socket", "http", "urllib.request", "subprocess",
    ),
    # Loads and validates TOML files; no crawler and no database.
    "allowlist": ("scrapy", "twisted", "sqlite3", "sqlite_utils", "crawler", "reports", "detector"),
    # The store is read by scans, reports and the CLI; it never reads them.
    "crawler.store": (
        "crawler.scans", "crawler.cli", "crawler.checks", "crawler.discovery", "reports",
        "scrapy", "twisted",
    ),
    # Reports read the store only: no crawling, no scans, no CLI.
    "reports": ("scrapy", "twisted", "crawler.cli", "crawler.scans", "crawler.runner",
                "crawler.spiders", "crawler.discovery"),
    # Discovery finds candidate URLs; it does not know about scans or the CLI.
    "crawler.discovery": ("crawler.scans", "crawler.cli", "reports"),
    # One-page checks never touch the store or Scrapy.
    "crawler.checks": ("crawler.store", "crawler.scans", "crawler.cli", "scrapy", "twisted"),
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def source_files() -> Iterator[Path]:
    for package in PACKAGES:
        yield from sorted((ROOT / package).rglob("*.py"))


MODULES = {module_name(path): path for path in source_files()}


def imported_names(path: Path) -> Iterator[str]:
    """Every module ``path`` imports, resolved to the most specific project module it names."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                # `from crawler.scans import history` imports the submodule, not the package.
                candidate = f"{base}.{alias.name}"
                yield candidate if candidate in MODULES else base


def project_imports(path: Path) -> set[str]:
    return {name for name in imported_names(path) if name in MODULES}


def within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_imports_point_the_right_way(package: str) -> None:
    offences = [
        f"{module} imports {name}"
        for module, path in MODULES.items()
        if within(module, package)
        for name in imported_names(path)
        for banned in FORBIDDEN[package]
        if within(name, banned) and not within(name, package)
    ]
    assert offences == []


def test_the_crawl_does_not_reach_into_the_rooms_above_it() -> None:
    """``crawler/``'s own modules (the Scrapy project) import no CLI, checks, discovery or scans.

    The one exception is the number reputation, which the page worker applies to every crawled
    page exactly as a rescan does.
    """
    crawl_modules = {
        name: path for name, path in MODULES.items()
        if path.parent.name == "crawler" and path.name not in ("__init__.py", "__main__.py")
    }
    rooms = ("crawler.cli", "crawler.checks", "crawler.discovery", "crawler.scans")
    offences = [
        f"{module} imports {name}"
        for module, path in crawl_modules.items()
        for name in imported_names(path)
        if any(within(name, room) for room in rooms) and name != "crawler.scans.reputation"
    ]
    assert crawl_modules and offences == []


def test_no_import_cycles() -> None:
    graph = {module: project_imports(path) - {module} for module, path in MODULES.items()}
    # A package's __init__ re-exporting its submodules is the one edge that is expected; the
    # reverse edge (a submodule importing its own package's __init__) is what makes a cycle.
    cycles = [cycle for cycle in _cycles(graph) if len(cycle) > 1]
    assert cycles == []


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components (Tarjan), as sorted lists of module names."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for succ in graph.get(node, ()):
            if succ not in index:
                visit(succ)
                low[node] = min(low[node], low[succ])
            elif succ in on_stack:
                low[node] = min(low[node], index[succ])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_checker_sees_a_cycle_and_a_banned_import() -> None:
    """The rules above can fail: a made-up cycle and a made-up import are caught."""
    assert _cycles({"a": {"b"}, "b": {"a"}, "c": set()}) == [["a", "b"], ["c"]]
    assert within("crawler.scans.history", "crawler.scans")
    assert not within("crawler.scanner", "crawler.scans")


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_module_is_too_long(name: str) -> None:
    lines = MODULES[name].read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_MODULE_LINES, f"{name}: {lines} lines"


def test_the_readme_map_names_every_folder() -> None:
    """Each package folder of the tree appears in the README's "How it fits together" map."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## How it fits together", 1)[1].split("\n## ", 1)[0]
    folders = {
        path.parent.relative_to(ROOT).as_posix() + "/"
        for path in source_files()
        if path.name == "__init__.py"
    }
    missing = sorted(folder for folder in folders if f"`{folder}`" not in section)
    assert missing == []
