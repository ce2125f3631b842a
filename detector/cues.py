"""The words around a number that tell what the page does with it.

The phrase lists live in :mod:`detector.lexicon`; one scan of the page says where each kind
occurs. Counting occurrences in a window is all the judge needs: a number next to "call us" is
advertised; a number whose sentence says "scammers", "do not call", "block it" is quoted as a
scam; "only the numbers above are verified" is the disclaimer scam pages use to look
trustworthy, not a warning.
"""


from __future__ import annotations

from bisect import bisect_left

_STOP_CHARS = ".!?\n"
_CLAIM_BEFORE = 80  #: characters before a number in which "official" qualifies it
_CLAIM_AFTER = 40


def _is_stop(text: str, at: int) -> bool:
    """Whether the character at ``at`` ends a sentence: a line break, or . ! ? before a space
    or the end of the text ("3.5" and "example.com" do not)."""
    return text[at] == "\n" or at + 1 >= len(text) or text[at + 1].isspace()


def _last_stop(text: str, begin: int, end: int) -> int:
    """Offset just after the last sentence end in ``text[begin:end]`` (or ``begin``)."""
    found = begin
    for char in _STOP_CHARS:  # str.rfind per stop character: C scans, no regex
        at = text.rfind(char, begin, end)
        while at >= found and not _is_stop(text, at):
            at = text.rfind(char, begin, at)
        if at >= found:
            found = at + 1
    return found


def _next_stop(text: str, begin: int, end: int) -> int:
    """Offset just after the first sentence end in ``text[begin:end]`` (or ``end``)."""
    found = end
    for char in _STOP_CHARS:
        at = text.find(char, begin, end)
        while 0 <= at < found and not _is_stop(text, at):
            at = text.find(char, at + 1, end)
        if 0 <= at < found:
            found = at + 1
    return found


def _content_end(text: str, end: int) -> int:
    """``len(text[:end].rstrip())``, without copying the text before ``end``."""
    while end > 0:
        chunk = text[max(0, end - 64) : end]
        stripped = chunk.rstrip()
        if stripped:
            return end - len(chunk) + len(stripped)
        end -= len(chunk)
    return 0


class CueIndex:
    """Where each kind of cue occurs on one page, so any window is counted with two bisects
    instead of a regex pass per number."""

    def __init__(self, lower: str, positions: dict[str, list[int]]):
        self.text = lower
        self.support = sorted(positions.get("support", ()))
        self.cta = sorted(positions.get("cta", ()))
        self.strong = sorted(positions.get("strong_warning", ()))
        self.weak = sorted(positions.get("weak_warning", ()))
        self.disclaimer = sorted(positions.get("disclaimer", ()))
        self.official = sorted(positions.get("official", ()))
        self.verdict = sorted(positions.get("scam_verdict", ()))


    @staticmethod
    def count(positions: list[int], start: int, end: int) -> int:
        return bisect_left(positions, end) - bisect_left(positions, max(0, start))

    def sentence(self, start: int, end: int) -> tuple[int, int]:
        """Bounds of the sentence holding ``[start, end)`` (at most 400/300 chars out).
        Found locally: pages full of prices have a full stop every few characters."""
        begin = _last_stop(self.text, max(0, start - 400), start)
        return begin, _next_stop(self.text, end, min(len(self.text), end + 300))

    def previous_sentence(self, sentence_start: int) -> tuple[int, int]:
        """Bounds of the nearest non-blank sentence before the one at ``sentence_start``."""
        end = _content_end(self.text, sentence_start)
        while end > 0:
            begin = _last_stop(self.text, max(0, end - 400), end - 1)
            if self.text[begin:end].strip():
                return begin, end
            end = _content_end(self.text, begin)
        return 0, 0

    def claims_official(self, start: int, end: int,
                        sentence: tuple[int, int] | None = None) -> bool:
        """Whether the number at ``[start, end)`` is itself called official or verified
        ("the official Brand helpline 1-888…", "1-888… (verified)"): the claim must be in its
        sentence and close to it, not anywhere on the page (news and copied terms say
        "official" all the time)."""
        s_start, s_end = sentence or self.sentence(start, end)
        return bool(self.count(self.official, max(s_start, start - _CLAIM_BEFORE),
                               min(s_end, end + _CLAIM_AFTER)))

    def quotes_as_scam(self, start: int, end: int,
                       sentence: tuple[int, int] | None = None) -> bool:
        """Whether the text around ``[start, end)`` presents that number as a scam.

        A strong warning ("scammers", "do not call", "block it") in the number's own sentence
        decides. Otherwise a call to action in that sentence ("call", "helpline") wins: spam
        says "Worried about fraud? Call …". Without one, a strong warning in the sentence
        before, or two weak hints ("fraud", "fake") around it with one in its own sentence,
        make it a quoted scam number.
        Disclaimers ("only the numbers above are verified") never count as warnings.
        ``sentence``: the bounds of the number's sentence, when already known.
        """
        s_start, s_end = sentence or self.sentence(start, end)
        if self.count(self.disclaimer, s_start, s_end):
            return False
        if self.count(self.strong, s_start, s_end):
            return True
        # A quoted text message, then the verdict on it: "… call +1 305 … It was an imposter."
        # Checked before calls to action: the quoted message itself says "call".
        if self.verdict:  # most pages have no verdict at all: skip finding the next sentence
            n_end = _next_stop(self.text, s_end, min(len(self.text), s_end + 300))
            if n_end > s_end and self.count(self.verdict, s_end, n_end):
                return True
        if self.count(self.cta, s_start, s_end):
            return False
        own_weak = self.count(self.weak, s_start, s_end)
        weak = own_weak
        p_start, p_end = self.previous_sentence(s_start)
        if p_end > p_start and not self.count(self.disclaimer, p_start, p_end):
            if self.count(self.strong, p_start, p_end):
                return True
            weak += self.count(self.weak, p_start, p_end)
        # Weak hints must touch the number's own sentence: "Worried about fraud? Our agents
        # at … can help" is a pitch.
        return own_weak >= 1 and weak >= 2
