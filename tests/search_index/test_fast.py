"""The fast layers against stock Whoosh: segment writer, numpy scoring, facets, refresh."""

from collections import Counter

import pytest
from whoosh import collectors

from search_index import SearchIndex, search
from search_index.engine import evaluate, filter_mask
from search_index.fastwrite import FastSegmentWriter
from search_index.query import _filter_key, build_query, parse
from search_index.schema import to_document
from search_index.whoosh_adapter import commit_segments

QUERIES = [
    "镜架",
    "板材",
    "acetate",
    "defocus",
    "镜架 附着力",
    "附着力 废水",
    '"progressive lens"',
    "acetate -bio",
    "离焦 青少年",
    "钛合金 coating",
    "鏡架 附著力",
]


def _dump(ix):
    """Every posting (field, term, docnum, weight, value) and stored doc of an index."""
    with ix.searcher() as s:
        r = s.reader()
        posts = []
        for fieldname, tbytes in r.all_terms():
            m = r.postings(fieldname, tbytes)
            while m.is_active():
                posts.append((fieldname, tbytes, m.id(), m.weight(), m.value()))
                m.next()
        stored = [r.stored_fields(d) for d in range(r.doc_count_all())]
        lengths = {
            f: [r.doc_field_length(d, f) for d in range(r.doc_count_all())]
            for f in ("title", "text", "spell")
        }
        return posts, stored, lengths


@pytest.mark.parametrize("kind", ["achievements", "needs"])
def test_fast_writer_writes_what_the_stock_writer_writes(tmp_path, kind, request):
    docs = request.getfixturevalue(kind)
    stock = SearchIndex(tmp_path / "stock").index(kind)
    with stock.writer() as w:
        for d in docs:
            w.add_document(**to_document(kind, d))
    fast = SearchIndex(tmp_path / "fast").index(kind)
    lock_holder = fast.writer()
    fw = FastSegmentWriter(fast, lock=False)
    for d in docs:
        fw.add_app_doc(kind, d)
    commit_segments(lock_holder, [fw.finish()])
    assert _dump(fast) == _dump(stock)


def _whoosh_top(index, q, filters=None, limit=20):
    """The old path: Whoosh's own matchers and collector."""
    parsed = parse(q)
    query = build_query(parsed)
    snap = index.snapshot("achievements")
    allowed = {int(d) for d in filter_mask(snap, _filter_key(filters)).nonzero()[0]}
    s = index.searcher("achievements")
    top = collectors.TopCollector(limit=limit)
    s.search_with_collector(query, collectors.FilterCollector(top, allow=allowed))
    return [(int(h["id"]), round(h.score, 3)) for h in top.results()]


@pytest.mark.parametrize("q", QUERIES)
def test_numpy_scores_rank_as_whoosh_does(index, q):
    old = _whoosh_top(index, q)
    r = search(index, "achievements", q, facets=False)
    if r.fallback_any:
        return  # the old path is only the AND query
    assert [(h.id, round(h.score, 3)) for h in r.hits] == old


def test_scores_match_whoosh_with_a_filter(index):
    f = {"field": "frame_materials"}
    r = search(index, "achievements", "镜架 板材", filters=f)
    assert [(h.id, round(h.score, 3)) for h in r.hits] == _whoosh_top(
        index, "镜架 板材", f
    )


@pytest.mark.parametrize("q", ["镜架", "acetate", "", "coating"])
def test_facet_counts_are_exact(index, q, achievements):
    r = search(index, "achievements", q, per_page=100)
    docs = {d["id"]: d for d in achievements}
    hits = [docs[h.id] for h in r.hits]
    assert r.total == len(hits) and not r.total_is_estimate
    assert dict(r.facets["field"]) == Counter(d["field"] for d in hits)
    modes = Counter(m for d in hits for m in d.get("cooperation_modes") or [])
    assert dict(r.facets["cooperation_modes"]) == modes
    counts = [c for _, c in r.facets["field"]]
    assert counts == sorted(counts, reverse=True)


@pytest.mark.parametrize("q", ["镜架", "acetate", ""])
def test_facets_counted_in_one_pass_equal_facets_counted_one_by_one(
    index, q, monkeypatch
):
    import numpy as np

    from search_index import engine
    from search_index.query import FACETS

    snap = index.snapshot("achievements")
    scores = evaluate(snap, build_query(parse(q)) or engine.Q.Every())
    matched = np.flatnonzero(scores > 0)
    joint = engine.facet_counts(snap, matched, FACETS)
    assert snap.cache[("joint", engine._facet_columns(FACETS))]
    monkeypatch.setattr(engine, "MAX_JOINT", 1)  # too many combinations: one by one
    snap.cache.clear()
    assert engine.facet_counts(snap, matched, FACETS) == joint
    assert snap.cache[("joint", engine._facet_columns(FACETS))] is False
    assert sum(c for _, c in joint["field"]) == len(matched)


def test_deletes_and_updates_show_after_refresh(index, achievements):
    before = index.snapshot("achievements")
    assert 4 in [h.id for h in search(index, "achievements", "镜架").hits]
    index.delete("achievements", [4])
    after = index.snapshot("achievements")
    assert after is not before and after.generation > before.generation
    assert 4 not in [h.id for h in search(index, "achievements", "镜架").hits]
    index.upsert("achievements", [{"id": 4, "title": "全新 镜架 标题 zyxq"}])
    r = search(index, "achievements", "zyxq")
    assert [h.id for h in r.hits] == [4]
    assert index.doc_count("achievements") == len(achievements)
    # unchanged segments keep their cached arrays
    snap = index.snapshot("achievements")
    assert snap is index.snapshot("achievements")


def test_evaluate_and_or_not(index):
    snap = index.snapshot("achievements")
    q = build_query(parse("镜架 -附着力"))
    scores = evaluate(snap, q)
    ids = {int(snap.stored_fields(d)["id"]) for d in scores.nonzero()[0]}
    assert 4 not in ids and ids


def test_rebuilt_segments_merge_with_the_stock_writers(tmp_path, achievements):
    # Rebuilt segments keep their posting blocks uncompressed; Whoosh's own
    # writer compresses. An update and a merge mix both and lose nothing.
    ix = SearchIndex(tmp_path / "mixed")
    ix.rebuild("achievements", achievements[:-2], procs=1)
    ix.upsert("achievements", achievements[-2:])
    whoosh_ix = ix.index("achievements")
    assert len(whoosh_ix._segments()) == 2
    whoosh_ix.optimize()
    assert len(whoosh_ix._segments()) == 1
    stock = SearchIndex(tmp_path / "stock").index("achievements")
    with stock.writer() as w:
        for d in achievements:
            w.add_document(**to_document("achievements", d))
    assert _dump(whoosh_ix) == _dump(stock)
    ix.close()


def test_parallel_rebuild_matches_a_single_writer(tmp_path, achievements):
    docs = [dict(d, id=d["id"] + k * 100) for k in range(30) for d in achievements]
    one, two = SearchIndex(tmp_path / "one"), SearchIndex(tmp_path / "two")
    assert one.rebuild("achievements", docs, procs=1) == len(docs)
    assert two.rebuild("achievements", iter(docs), procs=2) == len(docs)
    assert two.doc_count("achievements") == len(docs)
    for q in QUERIES:
        a = search(one, "achievements", q, per_page=100)
        b = search(two, "achievements", q, per_page=100)
        assert a.total == b.total and a.facets == b.facets
        assert sorted((h.id, round(h.score, 3)) for h in a.hits) == sorted(
            (h.id, round(h.score, 3)) for h in b.hits
        )
    one.close()
    two.close()


def _whoosh_postings(reader, fieldname, text):
    """A term's docnums and weights through Whoosh's public matcher."""
    m = reader.postings(fieldname, text)
    ids, weights = [], []
    while m.is_active():
        ids.append(m.id())
        weights.append(m.weight())
        m.next()
    return ids, weights


def test_sidecar_postings_equal_whoosh_postings(tmp_path, achievements):
    ix = SearchIndex(tmp_path / "side")
    ix.rebuild("achievements", achievements, procs=1)
    snap = ix.snapshot("achievements")
    ((arrays, reader, _),) = snap.leaves
    assert arrays._side is None
    terms = [t for f, t in reader.all_terms() if f in ("text", "title")]
    assert terms
    for f, t in reader.all_terms():
        if f not in ("text", "title"):
            continue
        t = t.decode()
        fast = arrays.postings(reader, f, t)
        slow = _whoosh_postings(reader, f, t)
        assert fast[0].tolist() == slow[0]
        assert fast[1].tolist() == pytest.approx(slow[1])
    assert arrays._side
    ix.close()


def test_sidecar_phrases_equal_whoosh_phrases(tmp_path, achievements):
    from whoosh import query as Q

    from search_index import get_thesaurus

    docs = achievements + [
        {
            "id": 90,
            "title": "Blue light blocking lens",
            "body": "progressive addition lens",
        },
        {"id": 91, "title": "light blue frame", "body": "blue  light; anti blue light"},
    ]
    ix = SearchIndex(tmp_path / "phr")
    ix.rebuild("achievements", docs, procs=1)
    snap = ix.snapshot("achievements")
    keys = [k for k in get_thesaurus().by_key if " " in k]
    found = 0
    for field in ("text", "title"):
        for key in keys:
            side = snap.phrase_docs(field, key.split())
            whoosh = sorted(Q.Phrase(field, key.split()).docs(snap.searcher))
            assert side is not None and sorted(side.tolist()) == whoosh, key
            found += len(whoosh)
    assert found
    assert snap.phrase_docs("text", ["not", "a", "thesaurus", "key"]) is None
    ix.close()


def test_threads_share_one_snapshot_while_the_index_changes(index):
    import threading

    errors = []

    def reader():
        try:
            for _ in range(30):
                r = search(index, "achievements", "镜架")
                assert r.total >= 1
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=reader) for _ in range(4)]
    for t in threads:
        t.start()
    for i in range(5):
        index.upsert("achievements", [{"id": 200 + i, "title": f"镜架 新品 {i}"}])
    for t in threads:
        t.join()
    assert not errors
    assert search(index, "achievements", "新品").total == 5


def test_cached_scores_are_shared_read_only_and_equal(index):
    from search_index.engine import evaluate
    from search_index.query import build_query, parse

    snap = index.snapshot("achievements")
    q = build_query(parse("钛合金 镜架 激光"))
    first = evaluate(snap, q)
    hits = snap.scores.hits
    again = evaluate(snap, q)
    assert snap.scores.hits == hits + 1  # served from the cache
    assert (again == first).all() and again.dtype == first.dtype
    assert not first.flags.writeable and not again.flags.writeable
    snap.scores.clear()
    assert (evaluate(snap, q) == first).all()
    # An exclusion reuses the cached positive side without changing it.
    minus = build_query(parse("钛合金 镜架 激光 -焊接"))
    evaluate(snap, minus)
    assert (evaluate(snap, q) == first).all()
