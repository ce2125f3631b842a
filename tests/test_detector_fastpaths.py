"""The detector's fast paths give exactly what the plain regex they replace gives.

Each speed-up in the detector (byte searches instead of class regexes, str.rfind instead of a
regex per window, dates looked for inside candidate runs only) has a short reference
implementation here, written the obvious way; random inputs over the characters that matter
must give the same answer both ways.
"""

from __future__ import annotations

import random
import re

import pytest

from detector import brands, cues, normalize, numbers, text

ROUNDS = 20_000


def _strings(alphabet: str, seed: int, longest: int = 30, rounds: int = ROUNDS):
    rng = random.Random(seed)
    for _ in range(rounds):
        yield "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, longest)))


# -- brand folding ---------------------------------------------------------------------------

def _fold_reference(value: str) -> str:
    if re.search("[\u0370-\u052f]", value):
        value = value.translate(brands._HOMOGLYPHS)
    return brands._LEET.sub(lambda m: m.group().translate(brands._LEET_MAP), value)


def test_brand_folding_matches_the_regex_reference() -> None:
    for value in _strings("aAbIlo01345@$ xé€аоΑ\n.-😀\ud800", seed=1):
        assert brands.fold_for_brands(value) == _fold_reference(value), value


@pytest.mark.parametrize("value", [
    "write to support@pinterest.com or micros0ft — PayPaI",
    "Сall РayPal: аpple",  # Cyrillic С, Р, а
    "user@example.com PayPaI micros0ft " * 40,  # more hits than the byte path maps
    "naïve a1a é@é PaI",
])
def test_brand_folding_on_sentences(value: str) -> None:
    assert brands.fold_for_brands(value) == _fold_reference(value)
    assert len(brands.fold_for_brands(value)) == len(value)


# -- sentence ends ---------------------------------------------------------------------------

_STOPS = re.compile(r"[.!?\n]")


def _stops(value: str, begin: int, end: int) -> list[int]:
    return [m.end() for m in _STOPS.finditer(value, begin, end)
            if m.group() == "\n" or m.end() >= len(value) or value[m.end()].isspace()]


def test_sentence_ends_match_the_regex_reference() -> None:
    rng = random.Random(2)
    for value in _strings("ab .!?\n\t3", seed=3, longest=25):
        if not value:
            continue
        begin = rng.randrange(0, len(value))
        end = rng.randrange(begin, len(value) + 1)
        found = _stops(value, begin, end)
        assert cues._last_stop(value, begin, end) == (found[-1] if found else begin)
        assert cues._next_stop(value, begin, end) == (found[0] if found else end)


def test_content_end_is_rstrip() -> None:
    rng = random.Random(4)
    for value in _strings("a \n\t\u2003", seed=5, longest=200, rounds=5_000):
        end = rng.randrange(0, len(value) + 1)
        assert cues._content_end(value, end) == len(value[:end].rstrip())


# -- whitespace --------------------------------------------------------------------------------

def _tidy_reference(value: str) -> str:
    value = re.sub(r"[ \t\r\f\v\u00a0]{2,}|[\t\r\f\v\u00a0]", " ", value)
    return re.sub(r"\n[ \t\r\f\v\u00a0\n]*\n+", "\n\n", value).strip()


def test_tidy_matches_the_regex_reference() -> None:
    for value in _strings("ab \t\r\f\v\u00a0\n\n", seed=6):
        assert text._tidy(value) == _tidy_reference(value), repr(value)


# -- numbers ---------------------------------------------------------------------------------

def _lookalike_reference(value: str) -> bool:
    return bool(re.search(r"[0-9OoIl](?:(?<=\d)[OoIl]|(?<=[OoIl])\d)", value))


def test_lookalike_hint_matches_the_regex_reference() -> None:
    for value in _strings("0159OoIlxé ", seed=7, longest=12):
        assert numbers._touching_lookalike(value) == _lookalike_reference(value), value


_OLD_CANDIDATE = re.compile(rf"\+?\d+(?:{numbers._SEP}\d+)*")


def _candidates_reference(scan: str) -> list[tuple[str, int, int]]:
    """Mask every date of the page first, then take each run with enough digits, dropping
    those that are a date and nothing else (the veto drops them)."""
    masked = numbers._DATE_IN_TEXT.sub(lambda m: "x" * len(m.group()), scan)
    runs = []
    for match in _OLD_CANDIDATE.finditer(masked):
        run = match.group()
        international = re.search(r"\+\d", run) is not None  # other "+" are padding
        if not international and sum(map(str.isdigit, run)) < numbers.MIN_DIGITS:
            continue
        if "+" not in run and numbers._DATE.match(run.strip("()[] ")):
            continue
        runs.append((run, match.start(), match.end()))
    return runs


def test_candidate_runs_match_masking_the_whole_page() -> None:
    pieces = ["1-888-276-4410", "12/05/2024", "2024-05-12", "05.12.24", "+44 20 7946 0000",
              "$49.99", "x", " ", "\n", "-", "/", ".", "+", "7", "31/12/1999 555 0100", ","]
    rng = random.Random(8)
    for _ in range(ROUNDS):
        scan = "".join(rng.choice(pieces) for _ in range(rng.randrange(0, 8)))
        assert numbers._candidates(scan)[0] == _candidates_reference(scan), scan


# -- normalisation -----------------------------------------------------------------------------

def test_non_ascii_runs_match_the_regex_reference() -> None:
    reference = re.compile(r"[^\x00-\x7f]+")
    for value in _strings("ab 1é€😀\u200d\ud800", seed=9, longest=15):
        assert list(normalize._non_ascii_runs(value)) == [
            (m.start(), m.group()) for m in reference.finditer(value)], repr(value)


# -- issue 12, round 2 ------------------------------------------------------------------------

def test_padding_search_matches_the_regex_reference() -> None:
    for value in _strings("+!?1 a_@#~.\n\t\u00a0é٣-x", seed=12, longest=24):
        reference = value
        for joiner in numbers._LINE_BREAK_JOIN:
            reference = reference.replace(joiner, joiner[0] + " ")
        assert numbers._joined(value) == numbers._PLUS_PADDING.sub("~", reference), value
    many = "Why? " * 40 + "call 833@+!+555+!+0142!"  # past the one-by-one limit: the regex
    assert numbers._joined(many) == numbers._PLUS_PADDING.sub("~", many)


_COUNTRY_BEFORE = re.compile(r"([^\W\d_]+(?:[ .'’-][^\W\d_]+){0,3})[ \t]*[:(\-–]?[ \t]*\(?$")


def test_country_name_backwards_matches_the_regex_reference() -> None:
    # Only asked once the text ends with a word (a country's last word), as in the detector.
    for value in _strings("ab é1_ .'’-\t:(–\nZ²", seed=13, longest=14):
        value = (value + "a").rstrip(" \t:(-–")
        match = numbers._COUNTRY_REVERSED.match(value[::-1])
        reference = _COUNTRY_BEFORE.search(value)
        assert (match.group()[::-1] if match else None) == (
            reference.group(1) if reference else None), value


def test_script_lead_bytes_cover_every_script() -> None:
    from detector import language

    for _language, script in language._SCRIPTS:
        low, high = script.pattern[1:-1].split("-")
        for code in range(ord(low), ord(high) + 1):
            assert language._may_have_script("x" + chr(code)), hex(code)
    assert not language._may_have_script("curly ’quotes’ — and café")
