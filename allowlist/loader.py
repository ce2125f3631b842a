"""Read a folder of brand files, check every rule, and build the :class:`Allowlist`."""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .brandfile import ParsedFile, parse_brand
from .crosscheck import cross_check
from .index import Allowlist
from .model import AllowlistError, Brand, Problem
from .source import SourceMap

DATA_DIR = Path(__file__).resolve().parent / "data"

_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")


@dataclass
class _Reading:
    path: str
    brands: list[Brand] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    digest: str = ""


def load(path: str | Path | None = None) -> Allowlist:
    """Load the allowlist in folder ``path`` (or one ``.toml`` file; ``None``: bundled data).

    Raises :class:`AllowlistError` listing every problem when any file breaks a rule: a
    crawl must not run against an allowlist that silently dropped a brand or a number.
    """
    reading = _read(path)
    if reading.problems:
        raise AllowlistError(reading.problems)
    return Allowlist(reading.brands, path=reading.path, digest=reading.digest)


def validate(path: str | Path | None = None) -> list[Problem]:
    """Every problem in the allowlist at ``path`` (a missing path is a problem too)."""
    return _read(path).problems


def _read(path: str | Path | None) -> _Reading:
    root = DATA_DIR if path is None else Path(path)
    reading = _Reading(str(root))
    files = _toml_files(root, reading)
    digest = hashlib.sha256()
    parsed_files = []
    for file in files:
        parsed = _read_file(file, digest)
        parsed_files.append(parsed)
        reading.problems += parsed.problems
        if parsed.brand is not None:
            reading.brands.append(parsed.brand)
    reading.problems += cross_check(parsed_files)
    # Stable: problems on one line keep the order they were found in.
    reading.problems.sort(key=lambda problem: (problem.file, problem.line))
    reading.digest = digest.hexdigest()
    return reading


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
        document = tomllib.loads(text)
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
