"""Every word and phrase the detector looks for, found in one pass over the page.

Brand aliases and cue phrases ("call us", "toll-free", "scammers", "only the numbers above are
verified") are literal strings compiled into one Aho-Corasick automaton (ahocorasick_rs, in
Rust): a page is scanned once, in time proportional to its length, instead of once per regex
alternative. Word boundaries are checked on the hits only.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import product

import ahocorasick_rs

from detector.normalize import normalize


def expand(*parts: str) -> list[str]:
    """All phrases made by picking one ``|``-separated choice from each part, joined by
    spaces; an empty choice drops that part: ``expand("do not|never", "call|dial")``."""
    phrases = []
    for choice in product(*(part.split("|") for part in parts)):
        phrases.append(" ".join(word for word in choice if word))
    return phrases


_APOSTROPHES = ("don't", "dont", "don’t")

#: The same, in the other languages pages are judged in (Spanish, French, German, Italian,
#: Portuguese, Dutch, Hindi): "llame al", "appelez le", "rufen Sie … an", "chiama il".
_FOREIGN_CALLS = [
    *expand("llame|llamar|llama|llámenos|llamenos|marque|marcar|contactar|comuníquese|"
            "comuniquese|comunicarse"),
    *expand("appelez|appeler|appelle|composez|composer|contactez|contacter|joindre"),
    *expand("anrufen|rufen sie|kontaktieren|erreichen sie"),
    *expand("chiama|chiamare|chiamate|contatta|contattare"),
    *expand("ligue|ligar|entre em contato|contate"),
    *expand("bel|bellen|neem contact op"),
    *expand("कॉल करें|कॉल|संपर्क करें"),
]
_FOREIGN_SUPPORT = [
    *_FOREIGN_CALLS,
    *expand("número de teléfono|numero de telefono|atención al cliente|"
            "atencion al cliente|servicio al cliente|soporte técnico|soporte tecnico|"
            "línea de ayuda|linea de ayuda|línea directa|linea directa"),
    *expand("numéro de téléphone|numero de telephone|service client|"
            "service clientèle|service clientele|assistance téléphonique|ligne d'assistance"),
    *expand("telefonnummer|rufnummer|kundendienst|kundenservice|kundensupport"),
    *expand("numero di telefono|assistenza clienti|servizio clienti|numero verde"),
    *expand("número de telefone|numero de telefone|atendimento ao cliente|"
            "central de atendimento|suporte"),
    *expand("telefoonnummer|klantenservice"),
    *expand("ग्राहक सेवा|हेल्पलाइन|टोल-फ्री|टोल फ्री"),
    # The people the number reaches, as English "expert", "agent", "representative".
    *expand("experto|expertos|agente|agentes|representante|representantes|asesor|asesores|"
            "especialista|especialistas|asistencia|conseiller|conseillers|experte|experten|"
            "esperto|esperti|operatore|operatori|assistenza|atendente|atendentes"),
]

#: Words around a number that present it as a line to call.
SUPPORT = [
    *expand("call|calling|calls|called|dial|dialing|dialling|dialed|dialled|phone|phones"),
    *expand("contact|contacting|contacted|helpline|helplines|help line|hotline|hotlines"),
    *expand("hot line|toll free|toll-free|tollfree|reach|reaching|speak|talk to|tel|telephone"),
    *expand("talk with|expert|experts|technician|technicians"),
    *expand("number|numbers|agent|agents|representative|representatives|helpdesk|help desk"),
    *expand("assistance|live agent|live person|live representative|live chat"),
    *expand("customer|support", "care|service|support|help|line|number|team|agent"),
    "☎", "☏", "✆", "📞", "📱",
    *_FOREIGN_SUPPORT,
]
#: Words that present a number as one to call (a stricter subset of SUPPORT).
CALL_TO_ACTION = [
    *expand("call|calling|dial|dialing|dialling|contact|contacting|contacted|reach"),
    *expand("helpline|help line|hotline|hot line|toll free|toll-free|tollfree|speak|talk to"),
    *expand("talk with"),
    *expand("live agent|live person|live representative"),
    *expand("customer|support", "care|service|support|line|number"),
    "☎", "☏", "✆", "📞",
    *_FOREIGN_CALLS,
]
#: Words that say a number itself is a scam: one in the number's own sentence is enough.
STRONG_WARNING = [
    *expand("scammer|scammers|fraudster|fraudsters|con artist|con artists|spoofed|spoofing"),
    *expand("cold call|cold calls|cold caller|cold callers|cold calling|cold-call|cold-calls"),
    *expand("cold-caller|cold-callers|cold-calling|hang up|robocall|robocalls|robocaller"),
    *expand("robocallers|robo call|robo calls|scam alert"),
    *expand("scam|fake|fraudulent|spoofed", "call|calls|number|numbers|line|lines"),
    *expand("is|are|was|were", "a scam|scams|fake|fraudulent|not genuine|not legitimate"),
    *expand("is|are|was|were", "an imposter|an impostor|imposters|impostors"),
    *expand("smishing|vishing|scam text|scam texts|scam message|phishing text"),
    *expand("do not|never|not|" + "|".join(_APOSTROPHES), "call|answer|dial|ring|pick up"),
    *expand("block", "it|them|the number|this number|these|these numbers|that|the caller"),
    *expand("report", "the number|this number|these numbers|the caller"),
    # A victim retelling the scammer's instruction: "I was asked to call …".
    *expand("asked me to|i was asked to|they asked me to|told me to|i was told to|"
            "instructed me to|wanted me to|urged me to|it said to|the pop-up said to",
            "call|dial|ring"),
]
#: A verdict on a message just quoted: "… call +1 305 …" then "It was an imposter."
SCAM_VERDICT = expand("it|this|that|which|they", "was|is|were|are",
                      "a scam|an imposter|an impostor|imposters|impostors|fake|a fake|phishing|"
                      "a phishing text|smishing|fraudulent|a fraud|not real|not legit")
#: A verdict on "the number" shortly after it: "… call 1-888 … The phone number is the trap."
NUMBER_VERDICT = expand("the|that|this", "number|phone number|callback number|call-back number",
                        "is|was", "the trap|a trap|the scam|a scam|fake|a fake|not real|"
                        "fraudulent|the bait|the hook")
#: A line naming what follows as a scam message: "Real example of a smishing text".
SCAM_MESSAGE = expand("smishing|phishing|vishing|scam|fake|fraudulent|spoofed|bogus",
                      "text|texts|message|messages|sms|email|e-mail|emails|voicemail|"
                      "pop-up|popup|letter|invoice|alert")
#: Words that only hint at scams ("fraud", "fake"): they need company.
WEAK_WARNING = [
    *expand("scam|scams|scammed|scamming|fraud|fake|spoof|phishing|beware|unsolicited"),
    *expand("impersonate|impersonates|impersonating|impersonation|impersonator|impersonators"),
    *expand("pretend|pretends|pretending|pretended|claim|claims|claiming|claimed",
            "to be|to represent"),
    *expand("report", "it|them"),
]
#: The reassurance scam pages add to look trustworthy; never a warning.
DISCLAIMER = [
    *expand("only", "|the|our|these", "number|numbers|line|lines|contact|contacts|channel",
            "listed|above|below|here|on this page|provided|mentioned|in this article"),
    *expand("avoid|beware of|cautious of|careful of",
            "third-party|third party|unofficial|fake"),
    *expand("verify the number|to avoid scams|to avoid fraud|they are scams"),
    *expand("third-party|third party", "websites|sites|pages", "claiming"),
]
CLAIMS_OFFICIAL = [
    *expand("official|verified|authorized|authorised|genuine|legit|legitimate|certified"),
    *expand("real", "customer|support|number"),
]
TOLL_FREE = ["toll free", "toll-free", "tollfree", "toll - free", "freephone", "free phone",
             "freefone", "numero verde", "número verde", "gratuit"]
URGENCY = [
    *expand("call now|immediate|immediately|urgent|urgently|emergency|24/7|24 / 7|24x7"),
    "24 hours",
    *expand("right away|instant|instantly|asap|act now|without delay"),
]

CUES = {"support": SUPPORT, "cta": CALL_TO_ACTION, "strong_warning": STRONG_WARNING,
        "weak_warning": WEAK_WARNING, "disclaimer": DISCLAIMER, "scam_verdict": SCAM_VERDICT,
        "number_verdict": NUMBER_VERDICT, "scam_message": SCAM_MESSAGE,
        "official": CLAIMS_OFFICIAL, "toll_free": TOLL_FREE, "urgency": URGENCY}
_SYMBOLS = frozenset("☎☏✆📞📱")


@dataclass(slots=True)
class Hits:
    """What one scan found: brand alias hits and cue start offsets by kind."""

    aliases: list[tuple[str, int, int]] = field(default_factory=list)  #: (alias, start, end)
    cues: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    lowered: str = ""  #: the text scanned (lower-cased, folded; offsets as in the page text)


class Lexicon:
    """Brand aliases (lower-case) and cue phrases in one automaton."""

    def __init__(self, aliases: Iterable[str], extra_cues: dict[str, list[str]] | None = None):
        """``extra_cues``: more cue kinds to find (kind → phrases), such as sector words."""
        self._entries: list[tuple[str, str]] = []  # (kind, phrase); kind "alias" or a cue
        seen: dict[str, int] = {}
        self._kinds: list[set[str]] = []
        cues = {**CUES, **(extra_cues or {})}
        for kind, phrases in (("alias", list(aliases)), *cues.items()):
            for phrase in phrases:
                if not phrase.isascii():  # the code points the page text is folded to
                    phrase = normalize(phrase).text
                if phrase in seen:
                    self._kinds[seen[phrase]].add(kind)
                    continue
                seen[phrase] = len(self._entries)
                self._entries.append((kind, phrase))
                self._kinds.append({kind})
        # Per entry, what scan() needs, precomputed: (phrase, is an alias, cue kinds, needs a
        # word boundary before, needs one after). Symbols such as "☎" need no boundary.
        self._compiled = [
            (phrase, "alias" in kinds, tuple(sorted(kinds - {"alias"})),
             phrase[0] not in _SYMBOLS, phrase[-1] not in _SYMBOLS)
            for (_, phrase), kinds in zip(self._entries, self._kinds, strict=True)
        ]
        self._automaton = ahocorasick_rs.AhoCorasick(
            [phrase for _, phrase in self._entries], matchkind=ahocorasick_rs.MatchKind.Standard,
            # A DFA takes longer to build (once per allowlist) and scans twice as fast.
            implementation=ahocorasick_rs.Implementation.DFA,
        )

    def scan(self, lowered: str, want_cues: bool = True) -> Hits:
        """Every whole-word occurrence in ``lowered`` (already lower-cased and folded)."""
        hits = Hits(lowered=lowered)
        length = len(lowered)
        entries = self._compiled
        for index, start, end in self._automaton.find_matches_as_indexes(lowered,
                                                                         overlapping=True):
            phrase, alias, cue_kinds, bounded_start, bounded_end = entries[index]
            if start and bounded_start and lowered[start - 1].isalnum():
                continue
            if alias and _alias_end(lowered, end, length) is not None:
                hits.aliases.append((phrase, start, end))
            if not want_cues or not cue_kinds or (
                    bounded_end and end < length and lowered[end].isalnum()):
                continue
            for kind in cue_kinds:
                hits.cues[kind].append(start)
        return hits


def _alias_end(text: str, end: int, length: int) -> int | None:
    """Where an alias hit ends, allowing a possessive ("Norton's", "Pinterests")."""
    if end >= length or not text[end].isalnum():
        return end
    if text[end] == "s" and (end + 1 >= length or not text[end + 1].isalnum()):
        return end + 1
    return None
