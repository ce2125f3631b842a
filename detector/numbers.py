"""Find phone numbers in normalised text, including the obfuscated forms scam pages use.

``phonenumbers.PhoneNumberMatcher`` is both slow on long pages and blind to most obfuscation
(``1⚚888⚚276⚚8917``, ``1-8 6 6-2 8 4``, ``[+1_854_(212)9696]``, vanity letters). So the scan is
our own: one regex finds runs of digit groups joined by short runs of any non-alphanumeric
characters; each run is split into numbers by trying the longest digit prefix that
``phonenumbers`` accepts. Only those runs ever reach ``phonenumbers.parse``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from typing import NamedTuple

import phonenumbers

from detector import parsing, vanity
from detector.normalize import Normalized, byte_classes, shapes
from detector.parsing import NumberParser, describe
from detector.regions import countries

MIN_DIGITS = 7  #: shorter runs are short codes (911, 611) or not numbers at all
MAX_DIGITS = 15  #: E.164 maximum

# Digit groups joined by at most eight separator characters: anything but letters, digits,
# line breaks, list punctuation and "+" (which starts a new number; "+" and "!" used as padding
# between symbols are turned into "~" first, see _joined). Obfuscators pick new symbols all
# the time, so separators are a negative class, not a list; eight fit a bracket on each side
# of a space ("<833>}} {{<555"). A comma separates only with a quote beside it ("833',317'"):
# alone it is a list's or a thousands separator.
_SEP = r"(?:(?:[^\w\n\r\f\v,;!?+]|_){1,8}|['\"’`]{1,2},|,['\"’`]{1,2})"
# Starts with a character class and a cheap lookbehind, so the engine skips in C to the next
# digit or "+" (a leading "\+?" would make it try every position of the page).
# A run starting with a digit needs six more digits or non-word characters after it (the digit
# count is checked later): most runs too short to be a number ("45%", "12 units") are not
# even matched.
_CANDIDATE = re.compile(
    rf"[+\d](?:(?<=\+)(?=\d)|(?<=\d)(?=[\d\W_]{{{MIN_DIGITS - 1}}}))\d*(?:{_SEP}\d+)*")
_GROUP = re.compile(r"\d+")

# Letters O/o, l, I that stand for 0 and 1 inside digit runs ("1-8OO-555-O199").
_LOOKALIKE_TOKEN = re.compile(r"(?<![A-Za-z])(?=[0-9OoIl]*\d)[0-9OoIl]{2,}(?![A-Za-z])")
_LOOKALIKE_MAP = str.maketrans("OoIl", "0011")
# Cheap pre-check: most pages have no look-alike letter touching a digit, and then the token
# pass is skipped. Bytes translate and search in C; a regex would stop at every "o" and "l".
_LOOKALIKE_CLASSES = byte_classes({b"0123456789": ord("0"), b"OoIl": ord("1")})

# Dates with a four-digit year (or ISO order), masked before the scan so that a date next to a
# number never merges with it; two-digit years are left to the whole-run check below, since
# dotted phone numbers ("06.12.34.56.78") look like them.
_DATE_IN_TEXT = re.compile(
    r"(?<![\d.\-/])(?:(?:19|20)\d{2}[-/.](?:0?[1-9]|1[0-2])[-/.](?:0?[1-9]|[12]\d|3[01])|"
    r"(?:0?[1-9]|[12]\d|3[01])[-/.](?:0?[1-9]|1[0-2])[-/.](?:19|20)\d{2}|"
    r"(?:0?[1-9]|1[0-2])[-/.](?:0?[1-9]|[12]\d|3[01])[-/.](?:19|20)\d{2})(?![\d]|[-/.]\d)"
)
_DATE_HINT = re.compile(r"\d[-/.]\d\d?[-/.]\d")  # starts with a digit: scanned in C
_DATE = re.compile(
    r"^(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.](?:\d{4}|\d{2}))$"
)
# "Tel No.", "Phone No.", "Helpline No.", "Contact No.": a phone label, though "No." alone
# (like "Order No.") would make an identifier.
_PHONE_LABEL = re.compile(
    r"\b(?:tel|tele|telephone|phone|ph|mob|mobile|cell|helpline|hotline|help line|contact|"
    r"whatsapp|toll[- ]?free|fax|call|support|customer care|landline)\.?\s*"
    r"(?:(?:no|nr|num|number|#)\.?\s*)?[:#-]?\s*$",
    re.IGNORECASE,
)
_CURRENCY_BEFORE = re.compile(r"[$€£¥₹₩₽¢]\s?$|\b(?:USD|EUR|GBP|INR|Rs\.?|US\$)\s?$")
_CURRENCY_LAST = frozenset("$€£¥₹₩₽¢DRPs.")  #: how every currency mark above ends
# Words that make a digit run an identifier, not a phone line ("Order #", "ISBN", "ref:").
# A bare lower-case "no" is a word in other languages ("ligue no 0800 …", Portuguese "at the"):
# it abbreviates "number" only capitalised or followed by ".", ":" or "#".
_ID_BEFORE = re.compile(
    r"(?:\b(?:order|invoice|ref(?:erence)?|tracking|confirmation|isbn|sku|serial|model|"
    r"part|item|product|transaction|txn|case|ticket|account|acct|policy|claim|receipt|"
    r"patent|zip|postcode|postal code|pin|otp|code|id|(?-i:No|NO|Nr|NR)|(?:no|nr)(?=\s*[.:#]))"
    r"\b\.?\s*"
    r"(?:number|num|no|nr|id|code)?\.?\s*[:#]?\s*[#:]?\s*$)|(?:[A-Za-z]{1,6}[-_#/:]$)",
    re.IGNORECASE,
)

class Found(NamedTuple):  # a tuple: the cheapest record to make, and digit-heavy pages make many
    """A number found in text: where, as printed, and what phonenumbers made of it."""

    start: int
    end: int
    e164: str
    region: str | None
    type: str
    valid: bool
    obfuscated: bool


#: A run as printed (and as scanned, when look-alike letters were unfolded) and the regions
#: tried → the numbers in it. Spam repeats the same printed runs across thousands of pages.
_SPLIT: dict[tuple[str, str, tuple[tuple[str, ...], tuple[str, ...]]],
             list[tuple[int, int, Found]]] = {}
_SPLIT_LIMIT = 50_000  #: runs (a few hundred bytes each: tens of MiB at most)


def clear_caches() -> None:
    """Forget cached parses (needed when the allowlist, which breaks ties, changes)."""
    parsing.clear_caches()
    _SPLIT.clear()


def unfold_lookalikes(text: str) -> str:
    """Replace O/o/I/l inside digit tokens with 0/1, keeping the length (offsets stay valid)."""
    if not _touching_lookalike(text):
        return text
    return _LOOKALIKE_TOKEN.sub(lambda m: m.group().translate(_LOOKALIKE_MAP), text)


def _touching_lookalike(text: str) -> bool:
    """Whether an O/o/I/l touches an ASCII digit anywhere in ``text``."""
    _encoded, found = shapes(text, _LOOKALIKE_CLASSES)
    return b"01" in found or b"10" in found


def _vetoed_prefix(text: str, start: int, end: int, run: str) -> int | None:
    """How much of a run is not a phone number: None when nothing is, else the length of the
    vetoed head (the whole run for a date; the price or identifier token for "$49.99 1-888…"
    and "Order #2024000123 1-888…", so the number after it survives)."""
    if not run.isdigit() and _only_date(run):
        return len(run)
    after = text[end : end + 2]
    if after[:1] == "%" or (after[:1].isspace() and after[1:] == "%"):
        return len(run)
    # Short look-backs: the longest label ("confirmation number: ") is 21 characters, and a
    # regex anchored at the end still tries every position of what it is given.
    before = text[max(0, start - 24) : start]
    head = _first_token(run)
    if before[-5:].rstrip()[-1:] in _CURRENCY_LAST and _CURRENCY_BEFORE.search(before[-5:]):
        return head
    if run.startswith("+"):
        return None
    if run[5:6] == "-" and _zip_code(before, run):
        return 10
    # Letters glued to a plain digit string make a code ("SKU12345678"); glued to a run with
    # separators they are obfuscation ("account1⚚888⚚276⚚8917").
    last = before[-1:]
    if last.isalpha():
        return len(run) if run.isdigit() else None
    # Only a label ending in a letter (then spaces, "#", ":" or ".") can name an identifier.
    if last in _LABEL_ENDS and before[-2:-1] in _ASCII_LETTERS:
        # "ORD-…", "SKU#…": what _ID_BEFORE's last branch says, without a regex ("Tel:…" aside)
        return None if _PHONE_LABEL.search(before) else head
    labelled = last in _LABEL_ENDS or before.rstrip(" #:.\t")[-1:].isalpha()
    if labelled and _ID_BEFORE.search(before) and not _PHONE_LABEL.search(before):
        return head
    return None


# US states and territories as the Postal Service abbreviates them: "Atlanta, GA 30320-2980".
_STATES = frozenset(["AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY", "PR", "VI", "GU", "AS", "MP"])
_ZIP_PLUS_FOUR = re.compile(r"\d{5}-\d{4}(?![\d-])")


def _zip_code(before: str, run: str) -> bool:
    """A ZIP+4 code after a state: "GA 30320-2980" (valid as a Dutch number, among others)."""
    words = before.replace(",", " ").split()
    return bool(words and words[-1].rstrip(".") in _STATES and _ZIP_PLUS_FOUR.match(run))


_LABEL_ENDS = frozenset("-_#/:")
_ASCII_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")


def _first_token(run: str) -> int:
    space = run.find(" ")
    return len(run) if space < 0 else space


# A currency sign opening a token inside a run starts a price: "900.555.1500 ($2.50 per
# minute)" ends before it, or the price's digits would lengthen the number.
_PRICE_IN_RUN = re.compile(r"[\s(\[][$€£¥₹₩₽¢]\d")
_CURRENCY_SIGNS = frozenset("$€£¥₹₩₽¢")


def _before_price(run: str) -> str:
    if _CURRENCY_SIGNS.isdisjoint(run):
        return run
    price = _PRICE_IN_RUN.search(run)
    return run[: price.start()].rstrip(" ([") if price else run


_PLAIN_SEPARATORS = frozenset(" -.()/\u2010\u2011\u2012\u2013\u2212")  # typographic dashes too


def _looks_obfuscated(run: str) -> bool:
    """Separators no honest page uses, or digits spaced out one by one."""
    separators = [char for char in run if not char.isdigit() and char != "+"]
    if any(char not in _PLAIN_SEPARATORS for char in separators) or run.count("(") > 1:
        return True
    groups = _GROUP.findall(run)
    return len(groups) >= 6 and sum(len(g) == 1 for g in groups) >= 4


_PLUS_SPLIT = re.compile(r"(?=\+\d)")  # a "+" before a digit starts a number; others are padding


def _segments(run: str, offset: int) -> Iterator[tuple[list[tuple[str, int, int]], bool]]:
    """Split a run at each "+" that starts a number: (digit groups with absolute offsets, international?)."""
    start = 0
    for piece in _PLUS_SPLIT.split(run):
        groups = [(m.group(), offset + start + m.start(), offset + start + m.end())
                  for m in _GROUP.finditer(piece)]
        if groups:
            yield groups, piece.startswith("+")
        start += len(piece)


def _until_annotation(groups: list[tuple[str, int, int]], run: str
                      ) -> list[tuple[str, int, int]]:
    """The groups before the first separator that opens a bracket or a list ("… (24h)")."""
    for index in range(1, len(groups)):
        separator = run[groups[index - 1][2] : groups[index][1]]
        if any(char in separator for char in "([{|/") or " - " in separator:
            return groups[:index]
    return groups


def _split_groups(
    groups: list[tuple[str, int, int]], international: bool, parser: NumberParser, run: str
) -> Iterator[tuple[int, int, phonenumbers.PhoneNumber, bool]]:
    """Longest prefix of groups that parses, then the rest: (start, end, number, valid)."""
    i = 0
    while i < len(groups):
        plus = international and i == 0
        found = _longest(groups, i, plus, parser, want_valid=True)
        if found is None and plus:
            # A "+" number no reading makes valid: keep the longest plausible one as invalid
            # (advertising an unassigned number is itself a signal), but never across an
            # annotation such as "(24 hours)".
            found = _longest(_until_annotation(groups, run), i, plus, parser, want_valid=False)
        if found is None:
            if plus:
                return  # a "+" run that never parses: the rest is its debris
            i += 1
            continue
        j, number, valid = found
        yield groups[i][1], groups[j][2], number, valid
        i = j + 1


def _longest(groups: list[tuple[str, int, int]], i: int, plus: bool, parser: NumberParser,
             want_valid: bool) -> tuple[int, phonenumbers.PhoneNumber, bool] | None:
    ends = []
    total = 0
    for j in range(i, len(groups)):
        total += len(groups[j][0])
        if total > MAX_DIGITS + 2:
            break
        ends.append((j, total))
    minimum = parsing.MIN_INTERNATIONAL if plus else MIN_DIGITS
    fallback = None
    for j, total in reversed(ends):
        if total < minimum:
            break
        parsed = parser.parse("".join(g[0] for g in groups[i : j + 1]), plus)
        if parsed is None:
            continue
        number, valid = parsed
        if valid == want_valid or (not want_valid and valid):
            if want_valid or phonenumbers.is_possible_number(number):
                return j, number, valid
            fallback = fallback or (j, number, valid)
    return fallback


def find_numbers(text: str | Normalized, parser: NumberParser) -> Iterator[Found]:
    """Every phone number in ``text`` (normalised), in order of appearance.

    Given the :class:`Normalized` object rather than its text, numbers whose printed form
    differs from the normalised one (superscript digits, zero-width joiners…) are also marked
    obfuscated."""
    normalized = text if isinstance(text, Normalized) else None
    text = text.text if isinstance(text, Normalized) else text
    runs, scan = _candidates(_joined(unfold_lookalikes(text)))
    for run, offset, run_end in runs:
        vetoed = _vetoed_prefix(scan, offset, run_end, run)
        while vetoed is not None and vetoed < len(run):
            # A price or label heads the run: what follows it may still be a number.
            rest = _CANDIDATE.search(scan, offset + vetoed, run_end)
            if rest is None:
                break
            run, offset = rest.group(), rest.start()
            vetoed = _vetoed_prefix(scan, offset, rest.end(), run)
        if vetoed is not None:
            continue
        if not run.isdigit():
            run = _before_price(run)
        end = offset + len(run)
        run_parser = _parser_for_country(scan, offset, parser)
        found = _split_cached(run, text[offset:end], run_parser)
        if not any(number.valid for _s, _e, number in found) and _lost_plus(scan, offset, run):
            # "( 34) 91 321 10 00": a country code in brackets whose "+" was lost.
            found = [(start - 1, stop - 1, number) for start, stop, number in
                     _split_cached("+" + run, "+" + text[offset:end], run_parser)
                     if number.valid] or found
        for start, stop, number in found:
            start = max(start, 0)
            start, stop = _with_bracket(scan, offset + start, offset + stop)
            disguised = normalized is not None and (
                normalized.original_slice(start, stop) != text[start:stop])
            yield Found(start, stop, number.e164, number.region, number.type, number.valid,
                        number.obfuscated or disguised)
    for start, end, digits in vanity.find(text):
        parsed = parser.parse(digits, False)
        if parsed:
            yield _found(parsed[0], parsed[1], start, end, False)


# Padding, not punctuation: "+" after a symbol or before a non-digit, "!"/"?" before a symbol
# ("833@+!+555+!+0142"). Starts with a class, so the engine skips to the few candidates.
_PLUS_PADDING = re.compile(
    r"[+!?](?:(?<=[!@#$%^&*=~|+]\+)(?=\d)|(?<=\+)(?=[^\d\s])|(?<=[!?])(?=[^\w\s]))")
_LINE_BREAK_JOIN = ("-\n", "\u2013\n", "\u2010\n", "\u2011\n")
_GLUED_HOURS = re.compile(r"(?<=\d)24[/x]7(?!\d)")  #: "24/7" right after a number's digits


def _joined(scan: str) -> str:
    """``scan`` with two disguises undone, keeping its length: a group joiner at the end of a
    line ("(800) 555-⏎0142") and "+" used as padding between symbols ("@+!+555", where a
    "+" would otherwise start a new number)."""
    for joiner in _LINE_BREAK_JOIN:
        if joiner in scan:
            scan = scan.replace(joiner, joiner[0] + " ")
    if "24/7" in scan or "24x7" in scan:
        # "…474 774724/7" is a number, then "24/7": table cells glued together. The hours never
        # belong to the digits before them.
        scan = _GLUED_HOURS.sub("\n   ", scan)
    padding = _padding(scan)
    if padding is None:  # too many candidates to check one by one
        return _PLUS_PADDING.sub("~", scan)
    if not padding:
        return scan
    pieces, previous = [], 0
    for at in padding:
        pieces += [scan[previous:at], "~"]
        previous = at + 1
    return "".join(pieces) + scan[previous:]


_PADDING_CHECKS = 64  #: "+", "!" and "?" looked at one by one; more, and the regex does it
_PADDED = frozenset("!@#$%^&*=~|+")


def _padding(scan: str) -> list[int] | None:
    """Where _PLUS_PADDING matches in ``scan``, found with C searches for "+", "!" and "?"
    (a regex starting with a character class steps through every character of the page);
    None when there are too many of them to check one by one."""
    found: list[int] = []
    checked = 0
    length = len(scan)
    for mark in "+!?":
        at = scan.find(mark)
        while at >= 0:
            checked += 1
            if checked > _PADDING_CHECKS:
                return None
            after = scan[at + 1] if at + 1 < length else ""
            if mark == "+":
                padded = after != "" and not after.isspace() and (
                    not _is_digit(after) or (at > 0 and scan[at - 1] in _PADDED))
            else:
                padded = after != "" and not after.isspace() and not _is_word(after)
            if padded:
                found.append(at)
            at = scan.find(mark, at + 1)
    return sorted(found)


def _is_digit(char: str) -> bool:
    return bool(_DIGIT.match(char))


def _is_word(char: str) -> bool:
    return bool(_WORD_CHAR.match(char))


_DIGIT = re.compile(r"\d")
_WORD_CHAR = re.compile(r"\w")


def _lost_plus(scan: str, offset: int, run: str) -> bool:
    """Whether the run opens with a one-to-three-digit group closed by ")" right after a
    "(": a country code whose "+" was lost ("( 34) 91 …")."""
    if not scan[max(0, offset - 2) : offset].rstrip().endswith("("):
        return False
    close = run.find(")")
    return 1 <= close <= 3 and run[:close].isdigit()


# Up to four words (letters) joined by one separator, read backwards from the number: matched
# on the reversed text, so one anchored match replaces a search trying every start.
_COUNTRY_REVERSED = re.compile(r"[^\W\d_]+(?:[ .'’-][^\W\d_]+){0,3}")


def _parser_for_country(scan: str, offset: int, parser: NumberParser) -> NumberParser:
    """``parser``, or one trying first the region of a country named just before the number
    ("Australia: 1-800-555-269" is an Australian 1800 number)."""
    before = scan[max(0, offset - 40) : offset].rstrip(" \t:(-–")
    # The last word decides cheaply whether a country name can end here (most runs follow
    # "call", "at", "number"…); only then is the whole name read.
    space = max(before.rfind(" "), before.rfind("\n"), before.rfind("\t"))
    if before[space + 1 :].lower() not in _country_last_words():
        return parser
    match = _COUNTRY_REVERSED.match(before[::-1])
    if match is None:
        return parser
    words = match.group()[::-1].lower().replace("’", "'").split()
    for first in range(len(words)):  # the longest name ending at the number first
        region = countries().get(" ".join(words[first:]))
        if region:
            return parser.with_region(region)
    return parser


@cache
def _country_last_words() -> frozenset[str]:
    return frozenset(name.split()[-1] for name in countries())


def _candidates(scan: str) -> tuple[list[tuple[str, int, int]], str]:
    """The candidate runs of ``scan`` with enough digits to be a number, as (run, start, end),
    with the dates inside them masked; and ``scan`` with those dates masked. So a date next to
    a number never merges with it.

    Dates are digits and separators, so each lies inside one run: they are looked for in the
    few runs that have a date's shape, not over the whole page."""
    runs: list[tuple[str, int, int]] = []
    dated: list[int] = []  # indexes in ``runs`` of those that hold a date among other digits
    for match in _CANDIDATE.finditer(scan):
        run = match.group()
        if run.isdigit():  # the common case, checked first: no date, no "+"
            if len(run) >= MIN_DIGITS:
                runs.append((run, *match.span()))
            continue
        if not _enough_digits(run):
            continue
        if _DATE_HINT.search(run):
            if _only_date(run):
                continue  # the veto would drop it
            dated.append(len(runs))
        runs.append((run, *match.span()))
    dates = [date.span() for index in dated
             for date in _DATE_IN_TEXT.finditer(scan, runs[index][1], runs[index][2])]
    if not dates:
        return runs, scan
    return _rescan_masked(runs, dated, _masked(scan, dates))


def _masked(scan: str, spans: list[tuple[int, int]]) -> str:
    """``scan`` with each (start, end) span (in order) replaced by as many "x"."""
    pieces, position = [], 0
    for start, end in spans:
        pieces += [scan[position:start], "x" * (end - start)]
        position = end
    return "".join(pieces) + scan[position:]


def _rescan_masked(runs: list[tuple[str, int, int]], dated: list[int], masked: str
                   ) -> tuple[list[tuple[str, int, int]], str]:
    """``runs`` with each dated one replaced by the runs left in it once its dates are
    masked."""
    rescanned: list[tuple[str, int, int]] = []
    previous = 0
    for index in dated:
        rescanned += runs[previous:index]
        _run, start, end = runs[index]
        rescanned += [(match.group(), *match.span())
                      for match in _CANDIDATE.finditer(masked, start, end)
                      if _enough_digits(match.group()) and not _only_date(match.group())]
        previous = index + 1
    return rescanned + runs[previous:], masked


def _only_date(run: str) -> bool:
    """A date and nothing else (two-digit years included: "05.12.24")."""
    return "+" not in run and bool(_DATE.match(run.strip("()[] ")))


def _enough_digits(run: str) -> bool:
    if "+" in run and _PLUS_SPLIT.search(run):
        return True
    return len(run) >= MIN_DIGITS and (run.isdigit() or sum(map(str.isdigit, run)) >= MIN_DIGITS)


def _with_bracket(text: str, start: int, end: int) -> tuple[int, int]:
    """Include an opening bracket that belongs to the number: "(888) 276-4410"."""
    if start > 0 and text[start - 1] == "(" and ")" in text[start:end]:
        return start - 1, end
    return start, end


def _split_cached(run: str, original: str, parser: NumberParser) -> list[tuple[int, int, Found]]:
    key = (run, original, parser.key)
    found = _SPLIT.get(key)
    if found is None:
        if len(_SPLIT) > _SPLIT_LIMIT:
            _SPLIT.clear()
        parser.consulted = False
        found = list(_split_run(run, original, parser))
        if not parser.consulted:  # else it depends on this page's evidence
            _SPLIT[key] = found
    return found


def _split_run(run: str, original: str, parser: NumberParser
               ) -> Iterator[tuple[int, int, Found]]:
    """Numbers in one candidate run, with offsets relative to the run."""
    for groups, international in _segments(run, 0):
        for start, end, number, valid in _split_groups(groups, international, parser, run):
            if international and start > 0 and run[start - 1] == "+":
                start -= 1
            printed = run[start:end]
            obfuscated = _looks_obfuscated(printed) or printed != original[start:end]
            yield start, end, _found(number, valid, start, end, obfuscated)


def _found(number: phonenumbers.PhoneNumber, valid: bool, start: int, end: int,
           obfuscated: bool) -> Found:
    e164, region, kind = describe(number, valid)
    return Found(start, end, e164, region, kind, valid, obfuscated)
