"""What a worker keeps per process is bounded: facet and sort columns are
integer codes and numbers in the shared snapshot files (the same filters,
facet counts and sorts as the per-process path), and the per-query caches
are bounded in bytes."""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from pathlib import Path

import numpy as np
import pytest

from search_index import SearchIndex, candidates, match_need, search
from search_index.lru import BytesLRU, ScoreCache

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))

from match_quality import to_app_doc  # noqa: E402

CODED = ("status", "field", "trl_band", "pricing_mode", "org_type", "audience")
NUMERIC = ("trl", "price", "published_at", "has_price")
FILTERS = [
    {},
    {"field": "surface_treatment"},
    {"trl_min": 4, "trl_max": 7},
    {"price_min_fen": 1, "price_max_fen": 50_000_000},
    {"cooperation_mode": "licence"},
    {"trl_band": "high"},
    {"pricing_mode": "auction", "trl_min": 3},
]


def _synth():
    path = ROOT / "marketplace" / "demo" / "synth.py"
    spec = importlib.util.spec_from_file_location("eyewear_synth_memory", path)
    synth = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(synth)
    return synth


@pytest.fixture(scope="module")
def docs():
    rows = _synth().generate_listings("achievement", 160, seed=11)
    return [to_app_doc(r, i) for i, r in enumerate(rows, 1)]


def _results(ix):
    out = []
    for filters in FILTERS:
        for q in ("", "镜架", "镀膜 镜片"):
            for sort in ("relevance", "newest", "price_asc", "price_desc"):
                r = search(ix, "achievements", q, filters=filters, sort=sort)
                out.append((r.total, [h.id for h in r.hits], r.facets))
    return out


def _build(directory, docs, segments: int) -> None:
    ix = SearchIndex(directory)
    cut = len(docs) - 20 * (segments - 1)
    ix.rebuild("achievements", docs[:cut], procs=1)
    for start in range(cut, len(docs), 20):
        ix.upsert("achievements", docs[start : start + 20])
    if segments > 1:
        ix.delete("achievements", [2, cut + 1])
    ix.close()


@pytest.mark.parametrize("segments", [1, 3])
def test_columns_are_mapped_codes_with_the_same_results(tmp_path, docs, segments):
    _build(tmp_path / "ix", docs, segments)
    shared = SearchIndex(tmp_path / "ix")
    private = SearchIndex(tmp_path / "ix", shared=False)
    snap, own = shared.snapshot("achievements"), private.snapshot("achievements")
    assert snap.mapped and len(snap.leaves) == segments
    for arrays, _, _ in snap.leaves:
        assert set(arrays.mapped.codes) >= {*CODED, "coop_key"}
        assert set(arrays.mapped.numbers) >= set(NUMERIC)
    for column in (*CODED, "coop_key"):
        codes, labels = snap.codes(column)
        theirs, their_labels = own.codes(column)
        assert labels == their_labels and np.array_equal(codes, theirs)
        assert codes.dtype == np.int16
        # One segment: the file's own pages, not a copy.
        assert isinstance(codes, np.memmap) == (segments == 1)
    for column in NUMERIC:
        assert np.array_equal(snap.numbers(column), own.numbers(column))
    a, b = _results(shared), _results(private)
    assert a == b
    assert any(total for total, _, _ in a) and any(f for _, _, f in a)
    assert len({total for total, _, _ in a}) > 3  # the filters filter
    # No object column stays behind, on either path.
    for s in (snap, own):
        assert all(k.startswith("_len:") for k in s._columns)
        for arrays, _, _ in s.leaves:
            assert all(k.startswith("_len:") for k in arrays._columns)
    shared.close()
    private.close()


def test_segment_files_of_an_older_writer_get_their_columns(tmp_path, docs):
    _build(tmp_path / "ix", docs, 1)
    directory = tmp_path / "ix"
    (meta,) = [n for n in os.listdir(directory) if n.endswith(".snap_meta.json")]
    body = json.loads((directory / meta).read_text())
    old = {k: v for k, v in body.items() if k not in ("codes", "numbers")}
    (directory / meta).write_text(json.dumps(old))
    for name in os.listdir(directory):
        if ".snap_code_" in name or ".snap_num_" in name:
            os.remove(directory / name)
    ix = SearchIndex(directory)
    assert ix.write_snapshot("achievements")
    assert json.loads((directory / meta).read_text())["codes"] == body["codes"]
    snap = SearchIndex(directory).snapshot("achievements")
    assert isinstance(snap.codes("field")[0], np.memmap)
    private = SearchIndex(directory, shared=False)
    assert _results(ix) == _results(private)


def test_bytes_lru_drops_the_least_recently_used_by_bytes():
    cache = BytesLRU(10_000)
    cache["a"] = np.zeros(1000, np.float32)  # 4,000 bytes
    cache["b"] = np.zeros(1000, np.float32)
    assert cache.get("a") is not None  # "b" is now the oldest
    cache["c"] = np.zeros(1000, np.float32)
    assert "b" not in cache and "a" in cache and "c" in cache
    assert cache.nbytes <= 10_000
    view = np.zeros(10, np.float32)[2:]  # a view owns nothing
    cache["d"] = (view, "x")
    assert len(cache) == 3
    cache["e"] = None
    assert cache.get("e", False) is None and cache.get("zz", False) is False


def test_score_cache_keeps_sparse_scores_and_gives_them_back_dense():
    cache = ScoreCache(1 << 20)
    dense = np.zeros(100_000, np.float32)
    dense[[5, 700, 99_999]] = [1.5, 2.25, 3.0]
    cache.put("q", dense)
    assert cache.nbytes < 1000  # three documents, not 400 kB
    got = cache.lookup("q")
    assert got.dtype == np.float32 and np.array_equal(got, dense)
    assert not got.flags.writeable
    full = np.ones(1000, np.float32)  # dense when most documents match
    cache.put("all", full)
    assert cache.lookup("all") is full
    assert cache.lookup("missing") is None
    for i in range(400):  # 400 x 4 kB dense arrays: past the budget
        cache.put(i, np.ones(1000, np.float32))
    assert cache.nbytes <= 1 << 20 and cache.lookup(0) is None


def test_a_retired_generation_gives_its_caches_back(tmp_path, docs):
    ix = SearchIndex(tmp_path / "ix")
    ix.rebuild("achievements", docs, procs=1)
    search(ix, "achievements", "镜架 镀膜 镜片", filters={"field": "automation"})
    old = ix.snapshot("achievements")
    assert len(old.cache) and len(old._stored)
    ix.upsert("achievements", [dict(docs[0], id=9999)])
    assert ix.snapshot("achievements") is not old
    assert not len(old.cache) and not len(old._stored) and not len(old.scores)
    # A thread still reading it gets the same answers, computed again.
    assert old.codes("field")[1] and old.bm25("text", "镜架")[0].size
    ix.close()


def test_stored_fields_are_read_with_pread_the_same_as_whoosh_reads_them(
    tmp_path, docs
):
    from search_index.whoosh_adapter import stored_fields

    _build(tmp_path / "ix", docs, 3)  # a compound segment and Whoosh's own
    ix = SearchIndex(tmp_path / "ix")
    snap = ix.snapshot("achievements")
    for arrays, sub, offset in snap.leaves:
        for d in range(sub.doc_count_all()):
            assert arrays.stored(sub, d) == stored_fields(sub, d)
            assert snap.stored_fields(offset + d) == stored_fields(sub, d)
        assert arrays._stored  # the pread reader, not the fallback
    assert {int(snap.stored_fields(d)["id"]) for d in range(snap.n)} == {
        d["id"] for d in docs
    }
    ix.close()


def test_match_caches_are_bounded_and_change_no_match(tmp_path, docs, monkeypatch):
    """candidates.py's per-snapshot caches: the concepts' documents within
    DOCS_BYTES, at most SIDES_KEPT sides; the matches those of large bounds."""
    ix = SearchIndex(str(tmp_path / "ix"))
    ix.rebuild("achievements", docs)
    rows = _synth().generate_listings("need", 12, seed=7)
    needs = [to_app_doc(r, 10_000 + i) for i, r in enumerate(rows)]

    def matched():
        candidates._per_snapshot.clear()
        out = [[(m.id, m.score, m.reasons) for m in match_need(ix, n)] for n in needs]
        return out, candidates._per_snapshot[ix.snapshot("achievements")]

    wide, _ = matched()
    assert any(wide)
    monkeypatch.setattr(candidates, "DOCS_BYTES", 3000)
    monkeypatch.setattr(candidates, "SIDES_KEPT", 5)
    narrow, caches = matched()
    assert narrow == wide
    assert 0 < caches["docs"].nbytes <= 3000
    assert caches["docs"].misses > len(caches["docs"])  # some were dropped
    assert len(caches["sides"]) == 5
    ix.close()


def test_a_bulk_process_keeps_more_than_a_web_worker(monkeypatch):
    # As a web worker starts (a `flask search` command run earlier in this test
    # process has already switched it to the bulk bounds).
    monkeypatch.setattr(candidates, "SIDES_KEPT", candidates.WEB_SIDES_KEPT)
    monkeypatch.setattr(candidates, "DOCS_BYTES", candidates.WEB_DOCS_BYTES)
    assert candidates.WEB_SIDES_KEPT < candidates.BULK_SIDES_KEPT
    assert candidates.WEB_DOCS_BYTES < candidates.BULK_DOCS_BYTES
    candidates.keep_more_for_bulk()
    assert candidates.SIDES_KEPT == candidates.BULK_SIDES_KEPT
    assert candidates.DOCS_BYTES == candidates.BULK_DOCS_BYTES
