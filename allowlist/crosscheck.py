"""Rules across brand files: one name, one number, one domain, one brand.

Files are visited in name order and the *second* claim is the one reported, naming the file
and line of the first, so the message points at the entry most likely to be the mistake.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from .brandfile import ParsedFile
from .hosts import parent_domains
from .model import Problem


def cross_check(files: list[ParsedFile]) -> list[Problem]:
    """Problems between the (already individually checked) files, in file order."""
    return [*_unique_names(files), *_unique_numbers(files), *_unique_domains(files),
            *_aliases_of_one_brand(files)]


def _unique_names(files: list[ParsedFile]) -> list[Problem]:
    problems = []
    first: dict[str, ParsedFile] = {}
    for parsed in files:
        if parsed.name is None:
            continue
        owner = first.setdefault(parsed.name.casefold(), parsed)
        if owner is not parsed:
            problems.append(
                Problem(
                    parsed.file,
                    parsed.name_line,
                    f"name {parsed.name!r} is already used by {_where(owner.file, owner.name_line)}",
                )
            )
    return problems


def _aliases_of_one_brand(files: list[ParsedFile]) -> list[Problem]:
    """An alias that spells another brand's name or alias (letters and digits compared, as
    the detector compares them): a page naming it can be read as one brand only."""
    problems = []
    first: dict[str, tuple[ParsedFile, int, bool]] = {}  # spelling → first (file, line, alias?)
    for parsed in files:
        if parsed.name is None:
            continue
        names = [(parsed.name, parsed.name_line, False),
                 *((alias, line, True) for alias, line in parsed.alias_lines.items())]
        for spelling, line, alias in names:
            owner, owner_line, owner_alias = first.setdefault(_letters(spelling),
                                                              (parsed, line, alias))
            # Two names: a duplicate name, reported by _unique_names.
            if owner is not parsed and (alias or owner_alias):
                problems.append(Problem(
                    parsed.file, line,
                    f"{'alias' if alias else 'name'} {spelling!r} also names "
                    f"{_brand(owner, owner_line)}: a page naming "
                    "it would be read as one brand only", blocking=False))
    return problems


def _letters(name: str) -> str:
    """A name as brand matching compares it: its letters and digits ("Venmo (PayPal)" →
    "venmo")."""
    return re.sub(r"[\W_]+", "", re.sub(r"\(.*?\)", "", name).casefold())


def _first_owners(
    files: list[ParsedFile],
    lines_of: Callable[[ParsedFile], dict[str, int]],
    label: Callable[[str], str],
) -> tuple[dict[str, tuple[ParsedFile, int]], list[Problem]]:
    """The first file (and line) listing each key, and a problem for every later listing."""
    problems = []
    first: dict[str, tuple[ParsedFile, int]] = {}
    for parsed in files:
        for key, line in lines_of(parsed).items():
            owner, owner_line = first.setdefault(key, (parsed, line))
            if owner is not parsed:
                message = f"{label(key)} already belongs to {_brand(owner, owner_line)}"
                problems.append(Problem(parsed.file, line, message))
    return first, problems


def _unique_numbers(files: list[ParsedFile]) -> list[Problem]:
    return _first_owners(files, lambda f: f.number_lines, lambda e164: f"number {e164}")[1]


def _unique_domains(files: list[ParsedFile]) -> list[Problem]:
    """A domain listed twice, or listed under a domain of another brand.

    Listed domains include their subdomains, so ``shop.example.com`` under brand B while
    brand A lists ``example.com`` gives that host two owners, as surely as a duplicate does.
    """
    first, problems = _first_owners(files, lambda f: f.domain_lines, lambda d: f"domain {d!r}")
    for parsed in files:
        for domain, line in parsed.domain_lines.items():
            for parent in parent_domains(domain)[1:]:
                owner, owner_line = first.get(parent, (parsed, 0))
                if owner is not parsed:
                    message = (
                        f"domain {domain!r} is a subdomain of {parent!r}, which belongs to "
                        f"{_brand(owner, owner_line)}"
                    )
                    problems.append(Problem(parsed.file, line, message))
                    break
    return problems


def _brand(parsed: ParsedFile, line: int) -> str:
    return f"{parsed.name or 'another brand'} ({_where(parsed.file, line)})"


def _where(file: str, line: int) -> str:
    # Both files are in the folder being checked: the bare name is enough and stays short.
    return f"{Path(file).name}:{line}"
