"""Whoosh + jieba search for the eyewear market: indexing, search and matching."""

from . import dense
from .analysis import EyewearAnalyzer, analyze
from .analysis import warm_up as _warm_up_analysis
from .batch import match_many
from .bilingual import get_lexicon
from .indexer import IndexBusy, SearchIndex
from .matching import Match, match_achievement, match_need, score_pairs
from .query import Hit, SearchResult, search
from .segments import IndexOutdated
from .thesaurus import Thesaurus, get_thesaurus


def warm_up():
    """Load jieba, the trade dictionaries, the folding tables and the CC-CEDICT
    lexicon and the sentence encoder once per process (before gunicorn forks);
    returns jieba's tokenizer."""
    tk = _warm_up_analysis()
    get_lexicon()
    dense.warm_up()
    return tk


__all__ = [
    "EyewearAnalyzer",
    "Hit",
    "IndexBusy",
    "IndexOutdated",
    "Match",
    "SearchIndex",
    "SearchResult",
    "Thesaurus",
    "analyze",
    "get_thesaurus",
    "match_achievement",
    "match_many",
    "match_need",
    "score_pairs",
    "search",
    "warm_up",
]
