"""The cheaper pair score and first pass give exactly what the old code gave:
the same candidates, pairs, scores (the pair value to the last bit) and reasons,
on a generated corpus, before and after an index change (issue 15, item 4)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pair_reference as ref
import pytest

from search_index import (
    SearchIndex,
    candidates,
    match_achievement,
    match_need,
    pairscore,
    score_pairs,
)
from search_index.concepts import _choose, _source_concepts
from search_index.engine import filter_mask
from search_index.evidence import MAX_FORMS
from search_index.pairstats import load_stats
from search_index.qparse import _filter_key

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))
from match_quality import to_app_doc  # noqa: E402

#: The reference is the lexical matcher: the dense part (dense.py) is off here.
pytestmark = pytest.mark.usefixtures("lexical_only")


def _synth():
    path = ROOT / "marketplace" / "demo" / "synth.py"
    spec = importlib.util.spec_from_file_location("eyewear_synth_equivalence", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def market(tmp_path_factory):
    synth = _synth()
    achs = [
        to_app_doc(r, i)
        for i, r in enumerate(synth.generate_listings("achievement", 300, seed=11), 1)
    ]
    needs = [
        to_app_doc(r, 9000 + i)
        for i, r in enumerate(synth.generate_listings("need", 30, seed=12), 1)
    ]
    index = SearchIndex(str(tmp_path_factory.mktemp("equivalence")))
    index.rebuild("achievements", achs, procs=1)
    index.rebuild("needs", needs, procs=1)
    return index, achs, needs


def _same(new, old) -> None:
    assert [(m.id, m.score, m.reasons) for m in new] == [
        (m.id, m.score, m.reasons) for m in old
    ]


def test_every_listing_matches_as_before(market):
    index, achs, needs = market
    found = 0
    for doc in needs:
        new = match_need(index, doc)
        _same(new, ref.match(index, doc, "achievements"))
        found += len(new)
    for doc in achs[::3]:
        new = match_achievement(index, doc)
        _same(new, ref.match(index, doc, "needs"))
        found += len(new)
    assert found > 500  # the corpus matches: the comparison is not vacuous


def test_the_pair_values_are_the_same_to_the_last_bit(market):
    index, achs, needs = market
    stats = load_stats(index.directory)
    assert stats.n == len(achs) + len(needs)
    pairs = 0
    for need in needs[:10]:
        mine = pairscore.side(stats, need, stored=False)
        for ach in achs[:120]:
            theirs = pairscore.side(stats, ach, stored=False)
            # Both orders of asking: the per-text memo holds either variant.
            for a, b in ((mine, theirs), (theirs, mine)):
                for forms in (0, MAX_FORMS, 0):
                    new = pairscore.hits(a, b, forms)
                    old = ref.find(a, b, forms)
                    assert pairscore.founds(a, new) == old
                    assert pairscore.strength(stats, a, b, new) == ref.direction(
                        stats, a, b, old
                    )
                    assert pairscore.find(a, b, forms) == old
                    pairs += bool(old)
    assert pairs > 200


def test_the_cached_choice_of_concepts_is_concepts_choose(market):
    index, achs, needs = market
    snap = index.snapshot("achievements")
    for doc in needs + achs[:60]:
        new = candidates.choose(snap, _source_concepts(doc))
        old = _choose(snap, _source_concepts(doc))
        assert [(c.key, c.weight, c.alts, c.exact) for c in new] == [
            (c.key, c.weight, c.alts, c.exact) for c in old
        ]


def test_stored_pairs_and_a_changed_index_score_as_before(market):
    index, achs, needs = market
    for doc in needs[:5]:
        ids = [m.id for m in match_need(index, doc, limit=40)][::2] + [1, 2, 3]
        new = score_pairs(index, doc, "achievements", ids)
        snap = index.snapshot("achievements")
        held = np.isin(snap.doc_ids(), ids) & filter_mask(snap, _filter_key(None))
        docnums = np.flatnonzero(held).tolist()
        old = ref.ranked(index, snap, doc, "achievements", docnums, len(ids))
        assert sorted((m.id, m.score, str(m.reasons)) for m in new) == sorted(
            (m.id, m.score, str(m.reasons)) for m in old
        )
    # A new generation: the per-snapshot caches follow it.
    changed = [{**d, "title": d["title"] + " 镀膜附着力"} for d in achs[:40]]
    index.upsert("achievements", changed)
    for doc in needs:
        _same(match_need(index, doc), ref.match(index, doc, "achievements"))
