"""Warnings that do not make data wrong, only worth a look: old checks and missing numbers."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from .model import Brand, Problem

#: ``verified_on`` older than this many days is reported as stale by ``validate``.
DEFAULT_MAX_AGE_DAYS = 365


def stale_warnings(
    brands: Iterable[Brand], max_age_days: int, today: datetime.date
) -> list[Problem]:
    """A warning per number checked more than ``max_age_days`` ago; an error per future date."""
    problems = []
    for brand in brands:
        for entry in brand.numbers:
            age = (today - entry.verified_on).days
            if age > max_age_days:
                message = (
                    f"number {entry.e164} is stale: verified_on {entry.verified_on} is {age} "
                    f"days old (more than {max_age_days}); check its source again"
                )
                problems.append(Problem(entry.file, entry.line, message, severity="warning", blocking=False))
            elif age < 0:
                message = f"number {entry.e164}: verified_on {entry.verified_on} is in the future"
                problems.append(Problem(entry.file, entry.line, message, blocking=False))
    return problems


def coverage_warnings(brands: Iterable[Brand]) -> list[Problem]:
    """A warning per brand with ``phone_support = true`` but no current brand-level number."""
    problems = []
    for brand in brands:
        if brand.phone_support is not True:
            continue
        current = [entry for entry in brand.numbers if not entry.retired]
        if not current:
            message = f"{brand.name} has phone_support = true but no current number"
        elif not any(entry.level == "brand" for entry in current):
            message = f"{brand.name} has phone_support = true but no brand-level number"
        else:
            continue
        problems.append(Problem(brand.file, 0, message, severity="warning", blocking=False))
    return problems
