"""The words around a number that tell what the page does with it.

The phrase lists live in :mod:`detector.lexicon`; one scan of the page says where each kind
occurs. Counting occurrences in a window is all the judge needs: a number next to "call us" is
advertised; a number whose sentence says "scammers", "do not call", "block it" is quoted as a
scam; "only the numbers above are verified" is the disclaimer scam pages use to look
trustworthy, not a warning.
"""


from __future__ import annotations

import re
from bisect import bisect_left

_STOP_CHARS = ".!?\n"
#: A warning that points back at a message just quoted: "Do not call any numbers listed in the
#: email", "never call the number on the invoice". Scam-warning articles quote the fake invoice,
#: then say so; a pitch never tells readers not to call the number it just gave.
_BACK_REFERENCE = re.compile(
    r"\b(?:do not|don['’]?t|never|avoid)\s+(?:call|calling|dial|dialing|ring|phone)\b"
    r"[^.!?\n]{0,40}?\bnumbers?\b[^.!?\n]{0,30}?\b(?:in|on|from|inside)\s+"
    r"(?:the|this|that|these|those|such|an?|any|your)?\s*(?:e-?mails?|messages?|texts?|invoices?|"
    r"pop-?ups?|letters?|voicemails?|notices?|alerts?|receipts?|bills?)\b")
_BACK_REFERENCE_SPAN = 600  #: characters after a number's sentence searched for one
#: A fax label right before a number: "Fax: …", "fax no. …", "Telefax …" (read backwards from
#: the number, so anchored at the end).
_FAX_LABEL = re.compile(r"\b(?:fax|facsimile|telefax)(?:[^\w\n]{0,3}(?:no|nr|number|#))?"
                        r"[^\w\n]{0,4}$")
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
        self.number_verdict = sorted(positions.get("number_verdict", ()))
        self.scam_message = sorted(positions.get("scam_message", ()))
        self.toll_free = sorted(positions.get("toll_free", ()))
        self.urgency = sorted(positions.get("urgency", ()))


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

    def around(self, positions: list[int], start: int, end: int,
               sentence: tuple[int, int] | None = None) -> bool:
        """Whether a cue of ``positions`` is in the sentence of ``[start, end)`` or the one
        just before or after it: "Need urgent help? Call …", "Call … The line is toll-free."
        A "24/7" or "toll-free" elsewhere on the page says nothing about this number."""
        if not self.count(positions, start - 800, end + 700):
            return False  # none within reach of a neighbour sentence (400 + 400 back, 300 + 300 on)
        s_start, s_end = sentence or self.sentence(start, end)
        if self.count(positions, s_start, s_end):
            return True
        p_start, p_end = self.previous_sentence(s_start)
        if p_end > p_start and self.count(positions, p_start, p_end):
            return True
        n_start = s_end
        while n_start < len(self.text) and self.text[n_start].isspace():
            n_start += 1
        n_end = _next_stop(self.text, n_start, min(len(self.text), n_start + 300))
        return self.count(positions, s_end, n_end) > 0

    def fax_label(self, start: int) -> bool:
        """Whether the number starting at ``start`` is labelled a fax line ("Fax: …"): a fax
        line is not a line to call, however often a page repeats it."""
        return _FAX_LABEL.search(self.text, max(0, start - 24), start) is not None

    def _introduced_as_scam(self, sentence_start: int) -> bool:
        """Whether the line before the number's paragraph names a scam message ("Real
        example of a smishing text", "The scam text I got:"): a heading or an introduction,
        not a sentence of its own (a pitch's "Beware of fake emails!" does not count)."""
        line_start = self.text.rfind("\n", 0, sentence_start) + 1
        end = _content_end(self.text, line_start)
        if end <= 0:
            return False
        begin = self.text.rfind("\n", max(0, end - 300), end) + 1
        return self.text[end - 1] not in ".!?" and self.count(self.scam_message, begin, end) > 0

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
        # A quoted message, then a warning about the numbers in it: "… Reach us on +1 888 …
        # Regards, Billing Department. … Do not call any numbers listed in the email."
        if self.strong and self.count(self.strong, s_end, s_end + _BACK_REFERENCE_SPAN) and \
                _BACK_REFERENCE.search(self.text, s_end, s_end + _BACK_REFERENCE_SPAN):
            return True
        # "… The phone number is the trap.": the verdict names the number it is about.
        if self.count(self.number_verdict, s_end, s_end + _BACK_REFERENCE_SPAN):
            return True
        # "Real example of a smishing text:" then the message with its number.
        if self.scam_message and self._introduced_as_scam(s_start):
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
