"""Read layers of brand files, check every rule, and build the :class:`Allowlist`.

A *layer* is a folder of brand files (or one file). The bundled data (``allowlist/data``,
layer ``"bundled"``) comes first unless ``bundled=False``; each path given is stacked on
top of it in order (:mod:`allowlist.layers`).
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import os
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import safetoml
from .brandfile import ParsedFile, parse_brand
from .crosscheck import cross_check
from .freshness import DEFAULT_MAX_AGE_DAYS, coverage_warnings, stale_warnings
from .index import Allowlist
from .layers import Layer, merge
from .model import BUNDLED, AllowlistError, Brand, Problem
from .source import SourceMap

DATA_DIR = Path(__file__).resolve().parent / "data"
#: The environment variable naming extra layers, separated by :data:`os.pathsep`.
ENV_VAR = "SCAMLINES_ALLOWLIST"

logger = logging.getLogger(__name__)

_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")

PathLike = str | Path


@dataclass
class _Reading:
    path: str
    layers: list[str] = field(default_factory=list)
    brands: list[Brand] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    digest: str = ""


@dataclass(frozen=True)
class Selection:
    """Which layers to load: ``paths`` stacked in order on the bundled data, or on nothing
    when ``bundled`` is false. The one value every command, crawl and scan passes around
    (it is picklable, so the page worker process gets it as it is)."""

    paths: tuple[str, ...] = ()
    bundled: bool = True

    @classmethod
    def of(cls, paths: Iterable[PathLike] = (), *, bundled: bool = True) -> Selection:
        """A selection of ``paths`` (as strings, in order)."""
        return cls(tuple(str(path) for path in paths), bundled)

    def load(self) -> Allowlist:
        """:func:`load` these layers."""
        return load(*self.paths, bundled=self.bundled)

    def validate(self, **kwargs: Any) -> list[Problem]:
        """:func:`validate` these layers (``max_age_days``, ``today``)."""
        return validate(*self.paths, bundled=self.bundled, **kwargs)

    def check(self, **kwargs: Any) -> Checked:
        """:func:`check` these layers (``max_age_days``, ``today``)."""
        return check(*self.paths, bundled=self.bundled, **kwargs)

    def describe(self) -> str:
        """``the bundled allowlist + mine/`` for messages."""
        parts = (["the bundled allowlist"] if self.bundled else []) + list(self.paths)
        return " + ".join(parts) or "an empty allowlist"


def load(*paths: PathLike | None, bundled: bool = True) -> Allowlist:
    """Load the bundled allowlist with the layers in ``paths`` (folders or ``.toml`` files)
    stacked on top, in order; ``bundled=False`` loads ``paths`` alone.

    Raises :class:`AllowlistError` listing every blocking problem when a file breaks a
    rule: a crawl must not run against an allowlist that silently dropped a brand or a
    number. Numbers whose provenance is too weak are loaded and logged, and kept in
    :attr:`Allowlist.notices` (``validate`` fails on them).
    """
    reading = _read(paths, bundled)
    if any(problem.blocking for problem in reading.problems):
        # Every error, the non-blocking ones too: whoever fixes the files sees them all at once.
        raise AllowlistError([p for p in reading.problems if p.severity == "error"])
    for problem in reading.problems:
        # The bundled data's own gaps are the project's to fix and `allowlist validate`
        # reports them; repeating them before every command would bury the analyst's own.
        bundled_gap = Path(problem.file).resolve().is_relative_to(DATA_DIR)
        logger.log(logging.DEBUG if bundled_gap else logging.WARNING, "%s", problem)
    return Allowlist(
        reading.brands,
        path=reading.path,
        digest=reading.digest,
        layers=tuple(reading.layers),
        notices=tuple(reading.problems),
    )


def validate(
    *paths: PathLike | None,
    bundled: bool = True,
    max_age_days: int = DEFAULT_MAX_AGE_DAYS,
    today: datetime.date | None = None,
) -> list[Problem]:
    """Every problem of the layers :func:`load` would read, warnings included: numbers
    checked more than ``max_age_days`` before ``today``, brands with phone support and no
    number (a missing path is a problem too)."""
    return check(*paths, bundled=bundled, max_age_days=max_age_days, today=today).problems


@dataclass(frozen=True)
class Checked:
    """What :func:`check` found: every problem, and the allowlist when it loads (``None``
    when a blocking problem stops it)."""

    problems: list[Problem]
    allowlist: Allowlist | None

    @property
    def errors(self) -> list[Problem]:
        return [problem for problem in self.problems if problem.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [problem for problem in self.problems if problem.severity == "warning"]


def check(
    *paths: PathLike | None,
    bundled: bool = True,
    max_age_days: int = DEFAULT_MAX_AGE_DAYS,
    today: datetime.date | None = None,
) -> Checked:
    """:func:`validate`'s problems and the loaded allowlist together, logging nothing."""
    reading = _read(paths, bundled)
    if any(problem.blocking for problem in reading.problems):
        return Checked(reading.problems, None)
    loaded = Allowlist(
        reading.brands,
        path=reading.path,
        digest=reading.digest,
        layers=tuple(reading.layers),
        notices=tuple(reading.problems),
    )
    today = today or datetime.date.today()
    extra = stale_warnings(reading.brands, max_age_days, today)
    extra += coverage_warnings(reading.brands)
    return Checked(_sorted(reading.problems + extra), loaded)


def paths_from_env(environ: Mapping[str, str] | None = None) -> list[str]:
    """The layers named by ``SCAMLINES_ALLOWLIST`` (os.pathsep-separated; empty parts skipped)."""
    value = (os.environ if environ is None else environ).get(ENV_VAR, "")
    return [part for part in value.split(os.pathsep) if part.strip()]


def _read(paths: tuple[PathLike | None, ...], bundled: bool) -> _Reading:
    roots = [(BUNDLED, DATA_DIR)] if bundled else []
    roots += [(str(path), Path(path)) for path in paths if path is not None]
    reading = _Reading(os.pathsep.join(str(root) for _, root in roots))
    digest = hashlib.sha256()
    layers = []
    for position, (name, root) in enumerate(roots):
        if position:  # one layer hashes as it always did; a stack also hashes its seams
            digest.update(b"\0layer\0")
        layer = _read_layer(name, root, reading, digest)
        layers.append(layer)
        reading.layers.append(name)
    merged = merge(layers)
    reading.brands = merged.brands
    reading.problems = _sorted(reading.problems + merged.problems)
    reading.digest = digest.hexdigest()
    return reading


def _sorted(problems: list[Problem]) -> list[Problem]:
    # Stable: problems on one line keep the order they were found in.
    return sorted(problems, key=lambda problem: (problem.file, problem.line))


def _read_layer(name: str, root: Path, reading: _Reading, digest: hashlib._Hash) -> Layer:
    layer = Layer(name)
    for file in _toml_files(root, reading):
        parsed = _read_file(file, digest)
        layer.files.append(parsed)
        reading.problems += parsed.problems
    reading.problems += cross_check(layer.files)
    return layer


def _toml_files(root: Path, reading: _Reading) -> list[Path]:
    if not root.exists():
        reading.problems.append(Problem(str(root), 0, "no such file or directory"))
        return []
    if root.is_file():
        return [root]
    files = sorted(file for file in root.glob("*.toml") if file.is_file())
    if not files:
        reading.problems.append(Problem(str(root), 0, "no .toml files in this folder"))
    return files


def _read_file(file: Path, digest: hashlib._Hash) -> ParsedFile:
    parsed = ParsedFile(str(file))
    try:
        data = file.read_bytes()
    except OSError as err:
        parsed.problems.append(Problem(parsed.file, 0, f"cannot read: {err.strerror}"))
        return parsed
    # Name and length delimit each file, so no two different folders hash alike.
    digest.update(f"{file.name}\0{len(data)}\0".encode())
    digest.update(data)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        parsed.problems.append(Problem(parsed.file, line, "not valid UTF-8 text"))
        return parsed
    try:
        document = safetoml.loads(text)
    except tomllib.TOMLDecodeError as err:
        parsed.problems.append(_syntax_problem(parsed.file, text, err))
        return parsed
    return parse_brand(parsed.file, file.stem, document, SourceMap(text))


def _syntax_problem(file: str, text: str, err: tomllib.TOMLDecodeError) -> Problem:
    message = str(err)
    match = _TOML_POSITION.search(message)
    if match:
        line = int(match[1])
        message = f"{message[: match.start()]} (column {match[2]})"
    else:  # "(at end of document)"
        line = text.count("\n") + 1
    return Problem(file, line, f"TOML syntax error: {message}")
