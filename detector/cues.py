"""The words around a number that tell what the page does with it.

Each lexicon is one compiled regex over lower-cased text. Counting matches in a window is all
the judge needs: a number next to "call us" is advertised; a number whose sentence says
"scammers", "do not call", "block it" is quoted as a scam; "only the numbers above are verified"
is the disclaimer scam pages use to look trustworthy, not a warning.
"""

from __future__ import annotations

import re

SUPPORT = re.compile(
    r"\bcall(?:ing|s|ed)?\b|\bdial(?:ing|led)?\b|\bphone\b|\bcontact(?:ing|ed)?\b|help ?line|"
    r"hot ?line|toll[\s-]*free|customer (?:care|service|support|help)|support (?:line|number|team|"
    r"agent)|\breach(?:ing)?\b|\bspeak\b|talk to|live (?:agent|person|representative|chat)|"
    r"\btel(?:ephone)?\b|\bnumber\b|\bagents?\b|representative|help ?desk|assistance|"
    r"[\u260e\u260f\u2706\U0001f4de\U0001f4f1]"
)
WARNING = re.compile(
    r"\bscam(?:s|mer|mers|med|ming)?\b|\bfraud(?:ulent|sters?)?\b|\bfake\b|\bspoof\w*|"
    r"cold[\s-]?call\w*|\b(?:do not|don'?t|never|not) (?:call|answer|dial|ring|pick up)\b|"
    r"\bblock (?:it|them|the number|this number|these|that)\b|"
    r"\breport (?:it|them|the number|this number|these numbers)\b|hang up|impersonat\w+|"
    r"phishing|pretend\w* to be|claim(?:s|ing)? to (?:be|represent)|beware|unsolicited|"
    r"robo ?call\w*|\bcon artists?\b"
)
DISCLAIMER = re.compile(
    r"only (?:the |our |these )?(?:numbers?|lines?|contacts?|channels?) "
    r"(?:listed|above|below|here|on this page|provided|mentioned|in this article)"
    r"|avoid (?:third[\s-]party|unofficial)|(?:cautious|careful|beware) of (?:third[\s-]party|"
    r"fake|unofficial)|verify the number|to avoid (?:scams|fraud)|they are scams|"
    r"third[\s-]party (?:websites?|sites?) claiming"
)
CLAIMS_OFFICIAL = re.compile(
    r"\bofficial\b|\bverified\b|\bauthori[sz]ed\b|\bgenuine\b|\blegit(?:imate)?\b|"
    r"\bcertified\b|real (?:customer|support|number)"
)
TOLL_FREE = re.compile(r"toll[\s-]*free|free ?phone|free ?fone|n[uú]mero verde|gratuit")
URGENCY = re.compile(
    r"call now|immediately|\burgent\w*|emergency|24\s*/\s*7|24x7|24 hours|right away|"
    r"\binstant(?:ly)?\b|\basap\b|act now|without delay"
)
_SENTENCE_END = re.compile(r"[.!?](?:\s|$)|\n")


def count(pattern: re.Pattern[str], text: str) -> int:
    return sum(1 for _ in pattern.finditer(text))


def sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """Start and end offsets of the sentence holding ``text[start:end]``."""
    head = text[max(0, start - 400) : start]
    ends = list(_SENTENCE_END.finditer(head))
    sentence_start = start - len(head) + ends[-1].end() if ends else max(0, start - 400)
    tail = _SENTENCE_END.search(text, end, min(len(text), end + 300))
    return sentence_start, tail.end() if tail else min(len(text), end + 300)


def previous_sentence(text: str, sentence_start: int) -> str:
    """The sentence before the one starting at ``sentence_start``."""
    end = len(text[:sentence_start].rstrip())
    if end <= 0:
        return ""
    # Step back over the previous sentence's own full stop before looking for its start.
    begin, _ = sentence_bounds(text, end - 1, end)
    return text[begin:end]


def warning_weight(sentence: str, previous: str) -> int:
    """How strongly the text around a number calls it a scam, disclaimers discounted."""
    if DISCLAIMER.search(sentence):
        return 0
    weight = 2 * count(WARNING, sentence)
    if previous and not DISCLAIMER.search(previous):
        weight += count(WARNING, previous)
    return weight
