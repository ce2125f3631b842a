"""A guess at a page's language from its text, for pages that do not declare one.

Plain-text pages have no ``lang`` attribute, and many HTML pages omit it; yet "800 145 851" is
an Italian number on an Italian page and "902 404 704" a Spanish one on a Spanish page. The
guess is deliberately plain: the script of the letters, else counts of each language's most
frequent short words in the first few thousand characters. It answers only when one language
clearly leads, and never guesses English (the default region already covers it).
"""

from __future__ import annotations

import re
from collections import Counter

_SAMPLE = 2000  #: characters of the page looked at
# Frequent function words of the languages below, as C-speed substring counts: a page with
# fewer of these than _MIN_HITS can have no clear non-English leader.
_FOREIGN_HINTS = (" de ", " la ", " el ", " il ", " di ", " che ", " le ", " der ", " die ",
                  " und ", " que ", " het ", " een ", " ve ", " och ", " w ", " não ", " para ",
                  " per ", " et ", " les ", " des ", " los ", " van ", " bir ", " się ",
                  " non ", " sono ", " della ", " del ", " con ", " una ", " en ", " du ",
                  " ist ", " nicht ", " mit ", " em ", " com ", " por ", " ile ")
_ENGLISH_SHORTCUT = 8  #: "the"/"and" this often: English, no need to count the rest
_MIN_HITS = 6  #: function words a language needs…
_LEAD = 2.0  #: …and how many times the runner-up's count

# A script used by one language (or one main country) decides alone.
_SCRIPTS = (
    ("hi", re.compile("[\u0900-\u097f]")),
    ("bn", re.compile("[\u0980-\u09ff]")),
    ("ta", re.compile("[\u0b80-\u0bff]")),
    ("te", re.compile("[\u0c00-\u0c7f]")),
    ("ml", re.compile("[\u0d00-\u0d7f]")),
    ("th", re.compile("[\u0e00-\u0e7f]")),
    ("el", re.compile("[\u0370-\u03ff]")),
    ("he", re.compile("[\u0590-\u05ff]")),
    ("ko", re.compile("[\uac00-\ud7af]")),
    ("ja", re.compile("[\u3040-\u30ff]")),
    # Han without kana: Chinese (Japanese pages were caught by their kana just above).
    ("zh", re.compile("[\u4e00-\u9fff]")),
)
_ANY_SCRIPT = re.compile("[" + "".join(p.pattern[1:-1] for _l, p in _SCRIPTS) + "]")
_SCRIPT_MIN = 20  #: letters of a script that make a page of that language
# The UTF-8 lead bytes of the blocks above (and of their neighbours): a page whose sample has
# none of them (curly quotes and accents only) skips the character-class pass.
_SCRIPT_LEADS = bytes([0xCD, 0xCE, 0xCF, 0xD6, 0xD7, 0xE0, 0xE3, 0xE4, 0xE5, 0xE6, 0xE7, 0xE8,
                       0xE9, 0xEA, 0xEB, 0xEC, 0xED])
_NOT_SCRIPT_LEADS = bytes(b for b in range(256) if b not in _SCRIPT_LEADS)


def _may_have_script(sample: str) -> bool:
    """Whether ``sample`` may hold letters of a script in _SCRIPTS (in C: encode, delete)."""
    return bool(sample.encode("utf-8", "surrogatepass").translate(None, _NOT_SCRIPT_LEADS))

# The most frequent short words of each language, chosen not to be English words.
_FUNCTION_WORDS = {
    "es": "el los las del por para con una que es en un su al como más pero sus este esta",
    "it": "il di che per gli della delle con sono una non del nel alla anche questo più",
    "fr": "le les des est une pour dans que qui sur pas vous avec sont par ce cette du aux",
    "de": "der die das und ist nicht mit sie ein eine den dem zu auf für sich auch von bei",
    "pt": "não uma para com os das dos que em ao você são pelo pela mais mas seu sua também do na da",
    "nl": "de het een van en niet met voor zijn op dat die ook er maar naar bij wordt",
    "tr": "ve bir bu için ile da de çok daha gibi olarak sonra kadar ama veya",
    "pl": "i w nie na się z że do jest to jak po od za przez oraz są dla czy",
    "sv": "och att det som en på är för med inte av till den har om ett",
    "en": "the and of to is that for with on are this you it be as at by from",
}
_WORD = re.compile(r"[^\W\d_]+")
_LANGUAGES_OF: dict[str, tuple[str, ...]] = {}  #: function word → the languages using it
for _language, _words in _FUNCTION_WORDS.items():
    for _word in _words.split():
        _LANGUAGES_OF[_word] = (*_LANGUAGES_OF.get(_word, ()), _language)

#: A language's main country, for numbers written without a country code.
LANGUAGE_REGION = {
    "hi": "IN", "bn": "IN", "ta": "IN", "te": "IN", "ml": "IN", "mr": "IN", "th": "TH",
    "el": "GR", "he": "IL", "ko": "KR", "ja": "JP", "es": "ES", "it": "IT", "fr": "FR",
    "de": "DE", "pt": "BR", "nl": "NL", "tr": "TR", "pl": "PL", "sv": "SE", "da": "DK",
    "nb": "NO", "no": "NO", "fi": "FI", "cs": "CZ", "ro": "RO", "hu": "HU", "ru": "RU",
    "uk": "UA", "vi": "VN", "id": "ID", "zh": "CN", "ca": "ES",
}


def guess(text: str) -> str | None:
    """The language of ``text`` as an ISO 639-1 code, or None when unsure or English."""
    sample = text[:_SAMPLE]
    if not sample.isascii() and _may_have_script(sample):
        letters = _ANY_SCRIPT.findall(sample)  # one pass; most pages have none of these
        if len(letters) >= _SCRIPT_MIN:
            joined = "".join(letters)
            for language, script in _SCRIPTS:
                if len(script.findall(joined)) >= _SCRIPT_MIN:
                    return language
    lowered = sample.lower()
    if lowered.count(" the ") + lowered.count(" and ") >= _ENGLISH_SHORTCUT:
        return None  # plainly English: C-speed counts spare the word split
    if sum(map(lowered.count, _FOREIGN_HINTS)) < _MIN_HITS:
        return None  # too few foreign function words to ever lead
    counts = dict.fromkeys(_FUNCTION_WORDS, 0)
    # Distinct words first: a page repeats its words, and each lookup is then done once.
    words = Counter(_WORD.findall(lowered))
    for word, times in words.items():
        for language in _LANGUAGES_OF.get(word, ()):
            counts[language] += times
    best, hits = max(counts.items(), key=lambda item: item[1])
    if best == "en" or hits < _MIN_HITS:
        return None
    # Against each other language, only the words the leader does not share count: Portuguese
    # "do" and "na" are Polish words too, and say nothing between the two.
    rivals: Counter[str] = Counter()
    for word, times in words.items():
        languages = _LANGUAGES_OF.get(word, ())
        if best not in languages:
            for language in languages:
                rivals[language] += times
    return None if hits < _LEAD * max(rivals.values(), default=0) else best
