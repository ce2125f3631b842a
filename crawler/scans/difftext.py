"""A :class:`crawler.scans.history.RunDiff` as text, for ``scamlines diff`` and the scan summary.

One header line naming both runs, then per kind (findings, pages, numbers) a count line and
one line per item that changed: everything ``new``, ``back`` or ``gone``, and ``still`` items
whose verdict (or, for findings, whose numbers) changed. Unchanged ``still`` items are only counted: they are what an analyst
already read last time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from crawler.scans.history import FindingChange, NumberChange, PageChange, RunDiff

__all__ = ["diff_lines", "diff_text", "run_label"]


def run_label(run: dict[str, Any]) -> str:
    """``scan run 7 (2026-11-22 02:00 UTC, finished)``."""
    started = str(run.get("started_at") or "")[:16].replace("T", " ")
    status = run.get("status")
    if status == "interrupted" and run.get("finish_reason") == "killed":
        status = "killed"
    return f"{run['kind']} run {run['id']} ({started} UTC, {status})"


def diff_text(diff: RunDiff) -> str:
    """What changed, for a human: every item except ``still`` ones whose verdict held."""
    return "\n".join(diff_lines(diff))


def diff_lines(diff: RunDiff) -> list[str]:
    """The text of ``diff``, one string per line."""
    lines = [_header(diff)]
    if diff.brands:
        lines.append(f"  findings and numbers of: {', '.join(diff.brands)}")
    counts = diff.counts()
    lines.append(_count_line("findings", counts["findings"], len(diff.newly_flagged)))
    lines += [
        _finding_line(f) for f in diff.findings if _worth_a_line(f) or f.numbers_changed
    ]
    lines.append(_count_line("pages", counts["pages"]))
    lines += [_page_line(p) for p in diff.pages if _worth_a_line(p)]
    lines.append(_count_line("numbers", counts["numbers"]))
    lines += [
        _number_line(n) for n in diff.numbers if n.change != "still" or n.flagged_before != n.flagged
    ]
    return lines


def _header(diff: RunDiff) -> str:
    after = run_label(diff.after)
    if diff.before is None:
        return f"{after}: no earlier run to compare with, so all it saw is new (or back)"
    return f"{after} compared with {run_label(diff.before)}"


def _count_line(name: str, counts: dict[str, int], newly_flagged: int | None = None) -> str:
    text = f"{name}: " + ", ".join(f"{n} {change}" for change, n in counts.items())
    if newly_flagged is not None:
        text += f"; {newly_flagged} newly flagged"
    return text


def _worth_a_line(item: PageChange | FindingChange) -> bool:
    return item.change != "still" or item.before != item.after


def _verdicts(item: PageChange | FindingChange) -> str:
    if item.change == "gone":
        return f"{item.before or '-'}"
    if item.change == "still" and item.before != item.after:
        return f"{item.before or '-'} -> {item.after or '-'}"
    return f"{item.after or '-'}"


def _finding_line(finding: FindingChange) -> str:
    status = f" [{finding.status}]" if finding.status != "new" else ""
    numbers = ", ".join(finding.numbers) or "-"
    if finding.numbers_changed:
        numbers = f"{', '.join(finding.numbers_before) or '-'} -> {numbers}"
    line = (
        f"  {finding.change:<6} {_verdicts(finding):<26} #{finding.finding_id:<5} "
        f"{finding.brand or '(no brand)'}{status}  {numbers}  {finding.url}"
    )
    if finding.undismissed:
        line += f"  (not covered by the false-positive mark: {', '.join(finding.undismissed)})"
    return line


def _page_line(page: PageChange) -> str:
    return f"  {page.change:<6} {_verdicts(page):<26} {page.url}"


def _number_line(number: NumberChange) -> str:
    pages = f"{number.pages} page{'' if number.pages == 1 else 's'}"
    flagged = ", flagged" if number.flagged else ""
    if number.change == "still" and number.flagged_before != number.flagged:
        flagged = ", no longer flagged" if number.flagged_before else ", now flagged"
    brands = f"  {', '.join(number.brands)}" if number.brands else ""
    return f"  {number.change:<6} {number.e164:<16} {pages}{flagged}{brands}"
