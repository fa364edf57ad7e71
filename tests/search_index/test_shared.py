"""The shared snapshot files (shared.py): memory-mapped arrays every worker
reads, the same results as the per-process arrays, refreshed with the index."""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from pathlib import Path

import numpy as np
import pytest

from search_index import SearchIndex, match_achievement, match_need, search
from search_index import indexer as indexer_module
from search_index.shared import manifest_name

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))

from match_quality import to_app_doc  # noqa: E402

QUERIES = [
    ("镜架", {}),
    ("钛", {}),
    ("镜架 钛", {}),
    ("镀膜 附着力", {"field": "surface_treatment"}),
    ('"近视离焦"', {}),
    ("progressive lens", {}),
    ("titanium", {}),
    ("acetate -bio", {}),
    ("-镜片", {}),
    ("光致变色", {"trl_min": 4}),
    ("", {"field": "automation"}),
    ("镜片 检测", {}),
    ("photocromic", {}),
]


def _synth():
    path = ROOT / "marketplace" / "demo" / "synth.py"
    spec = importlib.util.spec_from_file_location("eyewear_synth_shared", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def corpus():
    synth = _synth()
    rows = list(synth.generate_listings("achievement", 240, seed=5))
    docs = [to_app_doc(r, i) for i, r in enumerate(rows, 1)]
    needs = [
        to_app_doc(r, 5000 + i)
        for i, r in enumerate(synth.generate_listings("need", 12, seed=6))
    ]
    return docs, needs


def _build(directory, docs, needs) -> None:
    """A rebuilt segment, two upserted ones (or their merge; every segment has
    its sidecar) and deletions: every kind of segment a snapshot maps."""
    writer = SearchIndex(directory)
    writer.rebuild("achievements", docs[:200], procs=1)
    writer.upsert("achievements", docs[200:220])
    writer.upsert("achievements", docs[220:])
    writer.delete("achievements", [3, 4, 210])
    writer.upsert("needs", needs)
    writer.close()


def _everything(ix, needs, docs):
    out = []
    for q, filters in QUERIES:
        for sort in ("relevance", "newest"):
            out.append(search(ix, "achievements", q, filters=filters, sort=sort))
    out.append([match_need(ix, n) for n in needs])
    out.append([match_achievement(ix, d) for d in docs[:5]])
    return out


def _live_ids(snap) -> set[int]:
    return set(snap.doc_ids()[snap.live].tolist())


def test_results_are_identical_with_and_without_the_snapshot(tmp_path, corpus):
    docs, needs = corpus
    _build(tmp_path / "ix", docs, needs)
    shared = SearchIndex(tmp_path / "ix")
    private = SearchIndex(tmp_path / "ix", shared=False)
    snap = shared.snapshot("achievements")
    assert snap.mapped and len(snap.leaves) >= 2
    assert not private.snapshot("achievements").mapped
    # The postings really come from the read-only files.
    arrays, sub, _ = snap.leaves[0]
    assert isinstance(arrays.sidecar(sub)[1], np.memmap)
    assert not arrays.sidecar(sub)[1].flags.writeable
    a, b = _everything(shared, needs, docs), _everything(private, needs, docs)
    assert a == b
    assert any(r.total for r in a[:-2])
    assert any(a[-2])
    assert shared.snapshot("achievements").terms_containing(
        "text", "钛", 40
    ) == private.snapshot("achievements").terms_containing("text", "钛", 40)
    assert np.array_equal(
        shared.snapshot("achievements").doc_ids(),
        private.snapshot("achievements").doc_ids(),
    )
    shared.close()
    private.close()


def test_a_reader_maps_the_new_generation_after_an_update(tmp_path, corpus):
    docs, needs = corpus
    _build(tmp_path / "ix", docs, needs)
    reader = SearchIndex(tmp_path / "ix")  # a worker process's index
    before = reader.snapshot("achievements")
    assert before.mapped
    assert 3 not in _live_ids(before)
    writer = SearchIndex(tmp_path / "ix")  # another process applies the outbox
    fresh = dict(docs[0], id=9001, title="全新钛合金镜架记忆金属工艺")
    writer.upsert("achievements", [fresh])
    writer.delete("achievements", [1])
    after = reader.snapshot("achievements")
    assert after is not before and after.generation > before.generation
    assert after.mapped
    assert os.path.exists(
        tmp_path / "ix" / manifest_name("achievements", after.generation)
    )
    found = {h.id for h in search(reader, "achievements", "记忆金属").hits}
    assert 9001 in found
    assert 1 not in _live_ids(after) and 9001 in _live_ids(after)
    private = SearchIndex(tmp_path / "ix", shared=False)
    assert _everything(reader, needs, docs) == _everything(private, needs, docs)
    # Old manifests do not pile up.
    names = [
        n for n in os.listdir(tmp_path / "ix") if n.startswith("snapshot_achievements_")
    ]
    assert len(names) <= 2
    for ix in (reader, writer, private):
        ix.close()


def test_a_missing_or_stale_snapshot_falls_back_then_is_picked_up(
    tmp_path, corpus, monkeypatch
):
    docs, needs = corpus
    _build(tmp_path / "ix", docs, needs)
    directory = tmp_path / "ix"
    private = SearchIndex(directory, shared=False)
    expected = _everything(private, needs, docs)
    generation = private.snapshot("achievements").generation
    manifest = directory / manifest_name("achievements", generation)

    # Missing: the per-process arrays, the same results.
    body = json.loads(manifest.read_text())
    manifest.unlink()
    missing = SearchIndex(directory)
    assert not missing.snapshot("achievements").mapped
    assert _everything(missing, needs, docs) == expected

    # Stale: a manifest naming other segments (an older index, say).
    stale = dict(body, segments=body["segments"][:1])
    manifest.write_text(json.dumps(stale))
    reader = SearchIndex(directory)
    assert not reader.snapshot("achievements").mapped
    assert _everything(reader, needs, docs) == expected
    # Stale: a segment's files cut short.
    manifest.write_text(json.dumps(body))
    part = directory / f"{body['segments'][0]['name']}.snap_ids.npy"
    saved = part.read_bytes()
    np.save(part, np.zeros(1, np.int64))
    assert not SearchIndex(directory).snapshot("achievements").mapped
    part.write_bytes(saved)

    # The writer's files appear: the running reader maps them, no restart.
    monkeypatch.setattr(indexer_module, "SHARED_RECHECK", 0.0)
    manifest.unlink()
    assert SearchIndex(directory).write_snapshot("achievements")
    assert reader.snapshot("achievements").mapped
    assert _everything(reader, needs, docs) == expected
    for ix in (private, missing, reader):
        ix.close()


def test_shared_off_writes_no_snapshot_files(tmp_path, corpus):
    docs, _ = corpus
    ix = SearchIndex(tmp_path / "ix", shared=False)
    ix.upsert("achievements", docs[:10])
    assert not [
        n for n in os.listdir(tmp_path / "ix") if ".snap_" in n or "snapshot_" in n
    ]
    ix.close()
