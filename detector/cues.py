"""The words around a number that tell what the page does with it.

Each lexicon is one compiled regex over lower-cased text. Counting matches in a window is all
the judge needs: a number next to "call us" is advertised; a number whose sentence says
"scammers", "do not call", "block it" is quoted as a scam; "only the numbers above are verified"
is the disclaimer scam pages use to look trustworthy, not a warning.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right


def _words(first_letters: str, body: str, symbols: str = "") -> re.Pattern[str]:
    """A cue pattern that only starts matching at the start of a word beginning with one of
    ``first_letters`` — which lets Python's regex engine skip most positions cheaply."""
    pattern = rf"(?<![a-z])(?=[{first_letters}])(?:{body})"
    return re.compile(pattern + (f"|[{symbols}]" if symbols else ""))


SUPPORT = _words(
    "cdptrhslna",
    r"\bcall(?:ing|s|ed)?\b|\bdial(?:ing|led)?\b|\bphone\b|\bcontact(?:ing|ed)?\b|help ?line|"
    r"hot ?line|toll[\s-]*free|customer (?:care|service|support|help)|support (?:line|number|team|"
    r"agent)|\breach(?:ing)?\b|\bspeak\b|talk to|live (?:agent|person|representative|chat)|"
    r"\btel(?:ephone)?\b|\bnumber\b|\bagents?\b|representative|help ?desk|assistance",
    "\u260e\u260f\u2706\U0001f4de\U0001f4f1",
)
WARNING = _words(
    "sfcdnbrhipu",
    r"\bscam(?:s|mer|mers|med|ming)?\b|\bfraud(?:ulent|sters?)?\b|\bfake\b|\bspoof\w*|"
    r"cold[\s-]?call\w*|\b(?:do not|don'?t|never|not) (?:call|answer|dial|ring|pick up)\b|"
    r"\bblock (?:it|them|the number|this number|these|that)\b|"
    r"\breport (?:it|them|the number|this number|these numbers)\b|hang up|impersonat\w+|"
    r"phishing|pretend\w* to be|claim(?:s|ing)? to (?:be|represent)|beware|unsolicited|"
    r"robo ?call\w*|\bcon artists?\b",
)
DISCLAIMER = _words(
    "oacbvtq",
    r"only (?:the |our |these )?(?:numbers?|lines?|contacts?|channels?) "
    r"(?:listed|above|below|here|on this page|provided|mentioned|in this article)"
    r"|avoid (?:third[\s-]party|unofficial)|(?:cautious|careful|beware) of (?:third[\s-]party|"
    r"fake|unofficial)|verify the number|to avoid (?:scams|fraud)|they are scams|"
    r"third[\s-]party (?:websites?|sites?) claiming",
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


class CueIndex:
    """Where each kind of cue occurs on one page, so any window is counted with two bisects
    instead of a regex pass per number."""

    def __init__(self, lower: str):
        self.text = lower
        self.support = [m.start() for m in SUPPORT.finditer(lower)]
        self.warning = [m.start() for m in WARNING.finditer(lower)]
        self.disclaimer = [m.start() for m in DISCLAIMER.finditer(lower)]
        self.ends = [m.end() for m in _SENTENCE_END.finditer(lower)]

    @staticmethod
    def count(positions: list[int], start: int, end: int) -> int:
        return bisect_left(positions, end) - bisect_left(positions, max(0, start))

    def sentence(self, start: int, end: int) -> tuple[int, int]:
        """Bounds of the sentence holding ``[start, end)`` (at most 400/300 chars out)."""
        i = bisect_right(self.ends, start)
        begin = self.ends[i - 1] if i else 0
        j = bisect_left(self.ends, end)
        finish = self.ends[j] if j < len(self.ends) else len(self.text)
        return max(begin, start - 400), min(finish, end + 300)

    def previous_sentence(self, sentence_start: int) -> tuple[int, int]:
        """Bounds of the nearest non-blank sentence before the one at ``sentence_start``."""
        i = bisect_left(self.ends, sentence_start)  # self.ends[i] >= sentence_start
        end = sentence_start
        while i > 0:
            begin = self.ends[i - 1] if i - 1 >= 0 else 0
            if begin < end and self.text[begin:end].strip():
                return max(begin, end - 400), end
            end = begin
            i -= 1
        return (0, end) if self.text[:end].strip() else (end, end)

    def warning_weight(self, start: int, end: int) -> int:
        """How strongly the sentence of a number (and the one before) calls it a scam;
        disclaimers ("only our numbers are verified, avoid scams") discounted."""
        s_start, s_end = self.sentence(start, end)
        if self.count(self.disclaimer, s_start, s_end):
            return 0
        weight = 2 * self.count(self.warning, s_start, s_end)
        p_start, p_end = self.previous_sentence(s_start)
        if p_end > p_start and not self.count(self.disclaimer, p_start, p_end):
            weight += self.count(self.warning, p_start, p_end)
        return weight

    def support_in_sentence(self, start: int, end: int) -> int:
        s_start, s_end = self.sentence(start, end)
        return self.count(self.support, s_start, s_end)
