"""Whoosh + jieba search for the eyewear market: indexing, search and matching."""

from .analysis import EyewearAnalyzer, analyze, warm_up
from .batch import match_many
from .indexer import IndexBusy, SearchIndex
from .matching import Match, match_achievement, match_need, score_pairs
from .query import Hit, SearchResult, search
from .thesaurus import Thesaurus, get_thesaurus

__all__ = [
    "EyewearAnalyzer",
    "Hit",
    "IndexBusy",
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
