"""French text normalisation: elision, accent folding, stop words and Snowball stemming.

Pipeline for one text (see :meth:`Normaliser.tokens`):

1. Unicode NFKC, lower case, typographic apostrophes turned into ``'``.
2. The text is cut to :data:`MAX_QUERY_CHARS` characters (very long inputs stay fast).
3. Elisions are removed (``l'``, ``d'``, ``qu'``, ``jusqu'`` …): ``d'équipe`` → ``équipe``.
4. Words are runs of letters/digits; ``/``, ``-`` and punctuation separate words.
5. Stop words (French and a few English ones) are dropped.
6. Each word is stemmed with the French Snowball stemmer (PyStemmer) on its accented form, then the
   stem is accent-folded (``sécurité`` → ``secur``). A word typed without accents (``securite``) is
   looked up in a surface map learnt from the accented vocabulary, so it lands on the same stem.

Stems are cached, so normalising the same vocabulary again costs a dictionary lookup.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

import Stemmer

#: Texts longer than this are cut before tokenisation (about 3,000 French words).
MAX_QUERY_CHARS = 20_000
#: At most this many content tokens are kept from one text.
MAX_QUERY_TOKENS = 1_000

_APOSTROPHES = ("’", "‘", "`", "´", "ʼ")
_ELISION = re.compile(r"\b(?:l|d|j|m|n|s|t|c|qu|jusqu|lorsqu|puisqu|quoiqu|presqu)'", re.UNICODE)
_WORD = re.compile(r"[^\W_]+", re.UNICODE)

FRENCH_STOP_WORDS: frozenset[str] = frozenset(
    [
        "a",
        "à",
        "au",
        "aux",
        "avec",
        "ce",
        "ces",
        "cet",
        "cette",
        "ceux",
        "celle",
        "celles",
        "celui",
        "chez",
        "comme",
        "d",
        "dans",
        "de",
        "des",
        "du",
        "elle",
        "elles",
        "en",
        "entre",
        "et",
        "etc",
        "eux",
        "il",
        "ils",
        "je",
        "la",
        "le",
        "les",
        "leur",
        "leurs",
        "lui",
        "ma",
        "mais",
        "me",
        "même",
        "mes",
        "moi",
        "mon",
        "ne",
        "ni",
        "nos",
        "notre",
        "nous",
        "on",
        "ou",
        "où",
        "par",
        "pas",
        "pour",
        "qu",
        "que",
        "quel",
        "quelle",
        "quelles",
        "quels",
        "qui",
        "sa",
        "sans",
        "se",
        "ses",
        "si",
        "son",
        "sont",
        "sur",
        "ta",
        "te",
        "tes",
        "toi",
        "ton",
        "tu",
        "un",
        "une",
        "unes",
        "uns",
        "vos",
        "votre",
        "vous",
        "y",
        "été",
        "être",
        "est",
        "sont",
        "ont",
        "avoir",
        "a",
        "ai",
        "as",
        "avons",
        "avez",
        "été",
        "étaient",
        "était",
        "sera",
        "seront",
        "peut",
        "peuvent",
        "doit",
        "doivent",
        "afin",
        "ainsi",
        "alors",
        "aussi",
        "autre",
        "autres",
        "cela",
        "ceci",
        "dont",
        "donc",
        "lors",
        "selon",
        "sous",
        "tel",
        "telle",
        "telles",
        "tels",
        "tout",
        "toute",
        "toutes",
        "tous",
        "très",
        "plus",
        "moins",
        "également",
        "notamment",
        "leurs",
        "leur",
        "chacun",
        "chacune",
        "cas",
        "dont",
        "tant",
        "toujours",
        "souvent",
        "s",
        "l",
        "n",
        "c",
        "j",
        "m",
        "t",
        "ceux-ci",
        "celles-ci",
        "ci",
        "là",
    ]
)
ENGLISH_STOP_WORDS: frozenset[str] = frozenset(
    [
        "the",
        "of",
        "and",
        "or",
        "to",
        "in",
        "on",
        "for",
        "with",
        "by",
        "an",
        "is",
        "are",
        "be",
        "as",
        "at",
        "from",
        "this",
        "that",
        "these",
        "those",
        "it",
        "its",
        "into",
        "their",
        "they",
        "them",
        "he",
        "she",
        "we",
        "you",
        "your",
        "our",
        "i",
        "was",
        "were",
        "has",
        "have",
        "had",
        "not",
        "no",
    ]
)
STOP_WORDS: frozenset[str] = FRENCH_STOP_WORDS | ENGLISH_STOP_WORDS


def fold_accents(text: str) -> str:
    """Remove diacritics and expand ligatures: ``Œuvre Élève`` → ``OEuvre Eleve``."""
    if text.isascii():
        return text
    text = text.replace("œ", "oe").replace("Œ", "OE").replace("æ", "ae").replace("Æ", "AE")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")


def clean(text: str, max_chars: int = MAX_QUERY_CHARS) -> str:
    """Normalise Unicode, lower-case, unify apostrophes, drop elisions; cut to ``max_chars``."""
    text = unicodedata.normalize("NFKC", text[:max_chars]).lower()
    for apostrophe in _APOSTROPHES:
        if apostrophe in text:
            text = text.replace(apostrophe, "'")
    return _ELISION.sub(" ", text)


def words(text: str, max_chars: int = MAX_QUERY_CHARS) -> list[str]:
    """Split a text into lower-case words (accents kept), without elisions."""
    return _WORD.findall(clean(text, max_chars))


class Normaliser:
    """Turns texts into lists of accent-folded French stems.

    ``surface_map`` maps a folded surface word to the stem of its accented spelling; it is learnt with
    :meth:`learn_vocabulary` and saved with the index so that unaccented input stems the same way.
    """

    def __init__(self, surface_map: dict[str, str] | None = None) -> None:
        self._stemmer = Stemmer.Stemmer("french")
        self.surface_map: dict[str, str] = dict(surface_map or {})
        self._cache: dict[str, str] = {}

    def learn_vocabulary(self, texts: Iterable[str]) -> None:
        """Record how accented words stem, so that their unaccented spelling maps to the same stem."""
        vocabulary: set[str] = set()
        for text in texts:
            vocabulary.update(words(text))
        for word in sorted(vocabulary):
            if word.isascii():
                continue
            folded = fold_accents(word)
            if folded != word and folded not in self.surface_map:
                self.surface_map[folded] = self.stem(word)
        self._cache.clear()

    def stem(self, word: str) -> str:
        """Stem one lower-case word; the result is accent-folded."""
        cached = self._cache.get(word)
        if cached is not None:
            return cached
        mapped = self.surface_map.get(word)
        result = mapped if mapped is not None else fold_accents(self._stemmer.stemWord(word))
        self._cache[word] = result
        return result

    def analyse(self, text: str, max_tokens: int = MAX_QUERY_TOKENS) -> list[tuple[str, str]]:
        """``(word, stem)`` pairs of the content words of ``text`` in order, at most ``max_tokens``."""
        out: list[tuple[str, str]] = []
        for word in words(text):
            if word in STOP_WORDS or (len(word) == 1 and not word.isdigit()):
                continue
            out.append((word, self.stem(word)))
            if len(out) >= max_tokens:
                break
        return out

    def tokens(self, text: str, max_tokens: int = MAX_QUERY_TOKENS) -> list[str]:
        """Content stems of ``text`` in order (stop words removed), at most ``max_tokens``."""
        return [stem for _, stem in self.analyse(text, max_tokens)]


def bigrams(tokens: list[str]) -> list[str]:
    """Adjacent pairs of content stems, written ``a_b`` (used as phrase terms)."""
    return [f"{a}_{b}" for a, b in zip(tokens, tokens[1:], strict=False)]
