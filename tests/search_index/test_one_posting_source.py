"""Every write goes through the fast writer: upserts, updates, deletes and
merges write the posting sidecar a rebuild writes, so the engine reads every
segment's postings from one source, with the same results and scores."""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path

import pytest
from whoosh import query as Q

from search_index import SearchIndex, match_achievement, match_need, search
from search_index.pairstats import stats_path
from search_index.schema import to_document
from search_index.segments import IndexOutdated
from search_index.sidecar import SIDECAR_FIELDS, has_sidecar, load_sidecar
from search_index.whoosh_adapter import index_segments

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))

from match_quality import to_app_doc  # noqa: E402

QUERIES = [
    ("镜架", {}, "relevance"),
    ("镜架 附着力", {}, "relevance"),
    ("钛", {}, "relevance"),
    ("镀膜", {"field": "surface_treatment"}, "relevance"),
    ('"近视离焦"', {}, "relevance"),
    ("离焦 青少年", {}, "relevance"),
    ("镜片 检测", {"trl_min": 4}, "relevance"),
    ("progressive lens", {}, "relevance"),
    ('"progressive lens"', {}, "relevance"),
    ("acetate -bio", {}, "relevance"),
    ("titanium", {}, "relevance"),
    ("coating", {}, "newest"),
    ("", {"field": "automation"}, "newest"),
]


def _synth():
    path = ROOT / "marketplace" / "demo" / "synth.py"
    spec = importlib.util.spec_from_file_location("eyewear_synth_one_source", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def corpus(achievements, needs):
    """The sample listings (zh and en) and synthetic ones."""
    synth = _synth()
    rows = synth.generate_listings("achievement", 60, seed=14)
    achievements += [to_app_doc(r, 1000 + i) for i, r in enumerate(rows)]
    needs += [
        to_app_doc(r, 5000 + i)
        for i, r in enumerate(synth.generate_listings("need", 10, seed=15))
    ]
    return achievements, needs


def _by_upserts(ix: SearchIndex, kind: str, docs: list[dict]) -> list[dict]:
    """Upsert ``docs`` a few at a time (Whoosh merges small segments on the
    way), update one, delete one; returns the documents the index should hold."""
    ghost = {**docs[0], "id": 999_999, "title": "待删除 镜架 ghost frame"}
    batches = [docs[i : i + 3] for i in range(0, len(docs), 3)]
    batches.insert(2, [ghost])
    for batch in batches:
        ix.upsert(kind, batch)
    changed = {**docs[1], "title": docs[1]["title"] + " 钛合金镜架 titanium"}
    ix.upsert(kind, [changed])
    assert ix.delete(kind, [ghost["id"]]) == 1
    assert len(ix.snapshot(kind).leaves) < len(batches)  # merges happened
    return [changed if d["id"] == changed["id"] else d for d in docs]


def _dump(ix: SearchIndex, kind: str):
    """Every posting, stored document and field length, and the sidecar of
    an index of one segment."""
    with ix.index(kind).searcher() as s:
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
        ((sub, _),) = r.leaf_readers()
        terms, docs, weights, exact = load_sidecar(sub)
        side = {}
        for key, packed in terms.items():
            lo = packed >> 32
            hi = lo + (packed & 0xFFFFFFFF)
            side[key] = (docs[lo:hi].tolist(), weights[lo:hi].tolist())
        exact = {k: v.tolist() for k, v in exact.items()}
        return posts, stored, lengths, side, exact, r.field_length("text")


def _results(ix: SearchIndex, kind: str):
    out = []
    for q, filters, sort in QUERIES:
        r = search(ix, kind, q, filters=filters, sort=sort, per_page=100)
        hits = [(h.id, h.score, h.highlights) for h in r.hits]
        out.append((q, hits, r.total, r.facets, r.fallback_any, r.suggestions))
    return out


def _matches(ix: SearchIndex, achievements, needs):
    out = [[(m.id, m.score, m.reasons) for m in match_need(ix, n)] for n in needs]
    for a in achievements[:12]:
        out.append([(m.id, m.score, m.reasons) for m in match_achievement(ix, a)])
    return out


def _whoosh_scores(ix: SearchIndex, kind: str, field: str, text: str) -> dict:
    with ix.index(kind).searcher() as s:
        hits = s.search(Q.Term(field, text), limit=None)
        return {int(h["id"]): round(h.score, 4) for h in hits}


def _engine_scores(ix: SearchIndex, kind: str, field: str, text: str) -> dict:
    snap = ix.snapshot(kind)
    docs, scores = snap.bm25(field, text)
    ids = snap.doc_ids()
    return {
        int(ids[d]): round(float(v), 4)
        for d, v in zip(docs, scores, strict=True)
        if snap.live[d]
    }


def test_upserts_write_the_sidecar_and_search_as_a_rebuild(tmp_path, corpus):
    achievements, needs = corpus
    ups = SearchIndex(tmp_path / "upserts", shared=False)
    final = {
        "achievements": _by_upserts(ups, "achievements", achievements),
        "needs": _by_upserts(ups, "needs", needs),
    }
    for kind in final:
        ix = ups.index(kind)
        # One posting source: every segment (upserted, merged) has its sidecar.
        assert all(has_sidecar(ix.storage, seg) for seg in index_segments(ix))
        assert not ups.outdated(kind)
        # The engine reads every field it reads postings of from the sidecars
        # (query words and the organisation filter), not Whoosh's blocks.
        snap = ups.snapshot(kind)
        for arrays, sub, _ in snap.leaves:
            assert set(SIDECAR_FIELDS) <= arrays.sidecar(sub)[3]
        org = str(final[kind][0]["org_id"])
        assert len(snap.postings("org_id", org)[0])
    r = search(ups, "achievements", "", filters={"org_id": 11})
    assert {h.id for h in r.hits} == {1, 6}
    # With deletions still in the index, the sidecars' postings score as
    # Whoosh's own postings do.
    for field, text in [("text", "镜架"), ("title", "镜架"), ("text", "lens")]:
        want = _whoosh_scores(ups, "achievements", field, text)
        assert want and _engine_scores(ups, "achievements", field, text) == want

    # Deleted documents count in BM25 (as in Whoosh) until merged away.
    ups.optimize("achievements")
    ups.optimize("needs")
    # A rebuild of the same documents, in the order the merged index holds them.
    reb = SearchIndex(tmp_path / "rebuild", shared=False)
    for kind, docs in final.items():
        by_id = {d["id"]: d for d in docs}
        order = [int(i) for i in ups.snapshot(kind).doc_ids()]
        assert sorted(order) == sorted(by_id)
        reb.rebuild(kind, [by_id[i] for i in order], procs=1)
    for kind in final:
        assert len(ups.snapshot(kind).leaves) == 1
        assert _dump(ups, kind) == _dump(reb, kind)  # postings, sidecar, fields
        for a, b in zip(_results(ups, kind), _results(reb, kind), strict=True):
            for x, y in zip(a, b, strict=True):
                assert x == y, (a[0], x, y)
    # Pair scores read the statistics frozen at a rebuild (pairstats.py): the
    # upserted index is given the rebuilt one's, of the same documents.
    for kind in final:
        shutil.copy(stats_path(reb.directory, kind), stats_path(ups.directory, kind))
    got = _results(ups, "achievements")
    assert all(hits for q, hits, *_ in got if q)  # the queries find something
    assert _matches(ups, final["achievements"], final["needs"]) == _matches(
        reb, final["achievements"], final["needs"]
    )
    assert any(_matches(reb, final["achievements"], final["needs"]))
    ups.close()
    reb.close()


def _old_index(directory, achievements) -> SearchIndex:
    """An index from before every write had a sidecar: Whoosh's own writer,
    two segments without one."""
    old = SearchIndex(directory)
    for part in (achievements[:30], achievements[30:]):
        with old.index("achievements").writer() as w:
            for d in part:
                w.add_document(**to_document("achievements", d))
    return old


def test_an_index_without_sidecars_is_refused_not_read_another_way(
    tmp_path, corpus, caplog
):
    achievements, needs = corpus
    old = _old_index(tmp_path / "old", achievements)
    assert old.outdated("achievements")
    with pytest.raises(IndexOutdated, match="flask search reindex") as refused:
        search(old, "achievements", "镜架")
    assert refused.value.segment.startswith("achievements_")
    assert "has no posting sidecar" in caplog.text  # a log line, once per refusal
    with pytest.raises(IndexOutdated):
        old.snapshot("achievements")  # refused again, not cached as read
    with pytest.raises(IndexOutdated):
        match_need(old, needs[0])  # a need's partners are achievements
    # No shared files are made from its Whoosh postings either.
    assert not old.write_snapshot("achievements")
    assert not list(Path(old.directory).glob("snapshot_achievements_*.json"))
    # The needs index (empty, no segment without a sidecar) is still searched.
    assert search(old, "needs", "镜架").total == 0
    assert match_achievement(old, achievements[0]) == []
    old.close()


def test_a_worker_on_an_old_index_searches_once_another_process_reindexed(
    tmp_path, corpus
):
    achievements, _ = corpus
    worker = _old_index(tmp_path / "ix", achievements)
    with pytest.raises(IndexOutdated):
        search(worker, "achievements", "镜架")
    # `flask search reindex --if-outdated` in another process: its own SearchIndex.
    cli = SearchIndex(tmp_path / "ix")
    assert cli.outdated("achievements")
    cli.rebuild("achievements", achievements, procs=1)
    assert not cli.outdated("achievements")
    want = _results(cli, "achievements")
    cli.close()
    # The worker's open index sees the new generation and reads it.
    assert not worker.outdated("achievements")
    assert worker.snapshot("achievements").mapped
    assert _results(worker, "achievements") == want
    assert any(hits for q, hits, *_ in want if q)
    worker.close()


def test_merging_an_index_without_sidecars_rewrites_it_with_them(tmp_path, corpus):
    achievements, _ = corpus
    old = _old_index(tmp_path / "old", achievements)
    # Merging rewrites it through the fast writer; the phrase lists come from
    # the postings' positions.
    old.optimize("achievements")
    assert not old.outdated("achievements")
    assert old.snapshot("achievements").mapped
    reb = SearchIndex(tmp_path / "rebuild", shared=False)
    order = [int(i) for i in old.snapshot("achievements").doc_ids()]
    by_id = {d["id"]: d for d in achievements}
    reb.rebuild("achievements", [by_id[i] for i in order], procs=1)
    # The same postings, stored fields, length bytes and sidecar postings; not
    # the exact lengths, which only a sidecar records (the length column keeps
    # a byte per length): total lengths, so BM25 scores, move a little.
    assert _dump(old, "achievements")[:4] == _dump(reb, "achievements")[:4]
    after, rebuilt = _results(old, "achievements"), _results(reb, "achievements")
    for (q, a, total_a, *_), (_, b, total_b, *_) in zip(after, rebuilt, strict=True):
        assert total_a == total_b, q
        assert {i for i, _, _ in a} == {i for i, _, _ in b}, q
        scores_b = {i: s for i, s, _ in b}
        for i, s, _ in a:
            assert s == pytest.approx(scores_b[i], rel=0.02), q
    old.close()
    reb.close()


def test_a_duplicate_id_in_one_upsert_keeps_the_last(tmp_path):
    ix = SearchIndex(tmp_path / "dup", shared=False)
    first = {"id": 7, "title": "zyxq frame", "status": "published"}
    last = {"id": 7, "title": "qwvb lens", "status": "published"}
    assert ix.upsert("achievements", [first, last]) == 1
    assert ix.doc_count("achievements") == 1
    assert [h.id for h in search(ix, "achievements", "qwvb").hits] == [7]
    assert search(ix, "achievements", "zyxq").total == 0
    ix.close()
