"""Stack allowlist layers: the bundled data first, then each analyst folder on top.

A file in an upper layer whose ``name`` matches a brand below *extends* it: its numbers,
domains and aliases are added, a number already listed is replaced by the upper entry (so
``retired = true`` with its own source retires a bundled number), and a ``phone_support``
it sets wins. A file with a new name adds a brand. A number or domain that an upper layer
gives to a *different* brand than a lower one is a blocking problem at the upper line.
Rules within one layer stay in :mod:`allowlist.crosscheck`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

from .brandfile import ParsedFile
from .hosts import parent_domains
from .model import Brand, NumberEntry, Problem
from .provenance import entry_level, level_of, provenance_problems


@dataclass
class Layer:
    """One folder (or file) of brand files, checked on its own, with its layer name."""

    name: str
    files: list[ParsedFile] = field(default_factory=list)


@dataclass(frozen=True)
class _Claim:
    brand_key: str
    brand: str
    layer: str
    file: str
    line: int

    def where(self) -> str:
        return f"{self.brand} ({self.layer}: {Path(self.file).name}:{self.line})"


@dataclass
class _Stack:
    """A brand being built from the layers that mention it."""

    first: Brand
    layers: list[str]
    aliases: list[str]
    domains: dict[str, str]  # domain -> layer
    numbers: dict[str, NumberEntry]  # e164 -> entry (upper layers replace)
    phone_support: bool | None
    support_sources: tuple[str, ...]
    support_file: str
    support_line: int

    def build(self) -> Brand:
        domains = tuple(self.domains)
        numbers = tuple(
            dataclasses.replace(entry, level=entry_level(entry, domains))
            for entry in self.numbers.values()
        )
        support_level = (
            level_of(self.support_sources, domains) if self.support_sources else None
        )
        return dataclasses.replace(
            self.first,
            aliases=tuple(self.aliases),
            domains=domains,
            numbers=numbers,
            phone_support=self.phone_support,
            phone_support_sources=self.support_sources,
            phone_support_level=support_level,
            layers=tuple(self.layers),
            domain_layers=tuple(self.domains.items()),
        )


@dataclass
class Merged:
    """The stacked brands, and the problems found while stacking them."""

    brands: list[Brand] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def merge(layers: list[Layer]) -> Merged:
    """Stack ``layers`` bottom-up into one list of brands (see the module docstring)."""
    merger = _Merger()
    for layer in layers:
        merger.add_layer(layer)
    merged = Merged()
    for stack in merger.stacks.values():
        brand = stack.build()
        merged.brands.append(brand)
        located = dataclasses.replace(brand, file=stack.support_file)
        merged.problems += provenance_problems(located, stack.support_line)
    merged.problems = merger.problems + merged.problems
    return merged


class _Merger:
    def __init__(self) -> None:
        self.stacks: dict[str, _Stack] = {}
        self.numbers: dict[str, _Claim] = {}  # claims from the layers already stacked
        self.domains: dict[str, _Claim] = {}
        self.problems: list[Problem] = []

    def add_layer(self, layer: Layer) -> None:
        new_numbers: dict[str, _Claim] = {}
        new_domains: dict[str, _Claim] = {}
        for parsed in layer.files:
            if parsed.brand is None:
                continue
            key = parsed.brand.name.casefold()
            brand = parsed.brand
            stack = self.stacks.get(key)
            if stack is None:
                stack = self.stacks[key] = _Stack(
                    dataclasses.replace(brand, layer=layer.name, numbers=()),
                    [],
                    [],
                    {},
                    {},
                    brand.phone_support,
                    brand.phone_support_sources,
                    brand.file,
                    parsed.support_line,
                )
            self._extend(stack, parsed, layer.name, key, new_numbers, new_domains)
        self.numbers.update(new_numbers)
        self.domains.update(new_domains)

    def _extend(
        self,
        stack: _Stack,
        parsed: ParsedFile,
        layer: str,
        key: str,
        new_numbers: dict[str, _Claim],
        new_domains: dict[str, _Claim],
    ) -> None:
        brand = parsed.brand
        assert brand is not None
        if layer not in stack.layers:
            stack.layers.append(layer)
        stack.aliases += [alias for alias in brand.aliases if alias not in stack.aliases]
        if brand.phone_support is not None:
            stack.phone_support = brand.phone_support
        if brand.phone_support_sources:
            stack.support_sources = brand.phone_support_sources
            stack.support_file, stack.support_line = brand.file, parsed.support_line
        for domain in brand.domains:
            line = parsed.domain_lines.get(domain, 1)
            if self._domain_free(domain, key, parsed.file, line):
                stack.domains.setdefault(domain, layer)
                new_domains.setdefault(domain, _Claim(key, brand.name, layer, parsed.file, line))
        for entry in brand.numbers:
            owner = self.numbers.get(entry.e164)
            if owner is not None and owner.brand_key != key:
                message = f"number {entry.e164} already belongs to {owner.where()}"
                self.problems.append(Problem(parsed.file, entry.line, message))
                continue
            stack.numbers[entry.e164] = dataclasses.replace(entry, brand=stack.first.name, layer=layer)
            new_numbers.setdefault(entry.e164, _Claim(key, brand.name, layer, parsed.file, entry.line))

    def _domain_free(self, domain: str, key: str, file: str, line: int) -> bool:
        """Whether ``domain`` (and every domain above or below it) is not another brand's."""
        for parent in parent_domains(domain):
            owner = self.domains.get(parent)
            if owner is not None and owner.brand_key != key:
                relation = "already belongs to" if parent == domain else f"is under {parent!r} of"
                self.problems.append(Problem(file, line, f"domain {domain!r} {relation} {owner.where()}"))
                return False
        suffix = "." + domain
        for listed, owner in self.domains.items():
            if listed.endswith(suffix) and owner.brand_key != key:
                message = f"domain {domain!r} contains {listed!r}, which belongs to {owner.where()}"
                self.problems.append(Problem(file, line, message))
                return False
        return True
