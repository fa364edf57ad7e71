"""Dense multilingual sentence vectors (search_index/dense.py): written with the
index, carried over by a rebuild, shared by workers, and read by the matcher as
candidates and a named part of the pair's score."""

from __future__ import annotations

import numpy as np
import pytest

from search_index import SearchIndex, dense, match_achievement, match_need

pytestmark = [
    pytest.mark.skipif(not dense.installed(), reason="encoder not installed"),
    pytest.mark.usefixtures("dense_on"),
]


@pytest.fixture
def dense_on():
    """Dense vectors on (they are off by default: SEARCH_DENSE)."""
    was = dense.set_enabled(True)
    yield
    dense.set_enabled(was)


ACH = [
    {
        "id": 1,
        "title": "Laser welding of titanium eyeglass frames",
        "org_id": 1,
        "body": "Pulsed laser welding joins titanium frame parts with a narrow heat-affected zone.",
    },
    {
        "id": 2,
        "title": "Injection moulding of TR90 temples",
        "org_id": 2,
        "body": "A process window for moulding nylon TR90 temples without sink marks.",
    },
    {
        "id": 3,
        "title": "Reducing nickel release from plated frames",
        "org_id": 3,
        "body": "A palladium barrier layer under the gold plating keeps nickel release low.",
    },
]
NEED = {
    "id": 9,
    "title": "钛架激光焊接",
    "org_id": 9,
    "body": "钛合金镜架激光焊接后焊点发黑、强度不够。",
}


@pytest.fixture
def ix(tmp_path):
    index = SearchIndex(tmp_path / "ix")
    index.upsert("achievements", ACH)
    index.upsert("needs", [NEED])
    yield index
    index.close()


def test_vectors_are_unit_int8_and_a_translation_lies_closest():
    vecs = dense.encode([NEED["title"], *(a["title"] for a in ACH)])
    assert vecs.dtype == np.int8 and vecs.shape == (4, dense.DIM)
    norms = np.linalg.norm(vecs.astype(np.float32), axis=1)
    assert np.allclose(norms, 127, rtol=0.02)
    cos = [dense.cosine(vecs[0], v) for v in vecs[1:]]
    assert cos[0] == max(cos) and cos[0] > 0.5
    assert dense.cosine(vecs[1], vecs[0]) == cos[0]  # either way round


def test_a_chinese_need_finds_the_english_answer_and_names_the_closeness(ix):
    found = match_need(ix, NEED)
    assert found[0].id == 1
    assert found[0].reasons["semantic"] > dense.SCAN_FLOOR
    # One pair, one score: from the achievement's side too.
    back = {m.id: m for m in match_achievement(ix, ACH[0])}
    assert back[9].score == found[0].score
    assert back[9].reasons["semantic"] == found[0].reasons["semantic"]


def test_switched_off_the_matcher_is_lexical_only(ix):
    was = dense.set_enabled(False)
    try:
        assert all("semantic" not in m.reasons for m in match_need(ix, NEED))
    finally:
        dense.set_enabled(was)


def test_the_scan_returns_the_nearest_listing_first(ix):
    snap = ix.snapshot("achievements")
    parts = snap.dense_parts()
    assert parts and sum(len(p[1]) for p in parts) == snap.n
    query = dense.encode([dense.text_of(ACH[2])])[0]
    allowed = np.ones(snap.n, bool)
    nearest = dense.scan(parts, query, allowed)
    assert int(snap.stored_fields(nearest[0])["id"]) == 3
    allowed[nearest[0]] = False  # a listing left out by the filter is never returned
    assert nearest[0] not in dense.scan(parts, query, allowed)


def test_a_rebuild_encodes_only_changed_texts(tmp_path, monkeypatch):
    index = SearchIndex(tmp_path / "ix")
    encoded = []
    real = dense.encode

    def counting(texts):
        encoded.extend(texts)
        return real(texts)

    monkeypatch.setattr(dense, "encode", counting)
    try:
        index.rebuild("achievements", ACH, procs=1)
        first = {
            int(index.snapshot("achievements").stored_fields(d)["id"]): d
            for d in range(3)
        }
        before = index.snapshot("achievements").dense_vector(first[1]).copy()
        assert len(encoded) == 3
        encoded.clear()
        changed = [ACH[0], ACH[1], {**ACH[2], "title": "Nickel-free palladium plating"}]
        index.rebuild("achievements", changed, procs=1)
        assert encoded == [dense.text_of(changed[2])]
        snap = index.snapshot("achievements")
        ids = snap.doc_ids().tolist()
        assert np.array_equal(snap.dense_vector(ids.index(1)), before)
    finally:
        index.close()


def test_workers_share_the_vectors_the_writer_wrote(tmp_path):
    index = SearchIndex(tmp_path / "ix")
    index.rebuild("achievements", ACH, procs=1)
    own = SearchIndex(tmp_path / "ix", shared=False)
    try:
        shared = index.snapshot("achievements").dense_parts()
        assert isinstance(shared[0][1], np.memmap)  # the snapshot files' pages
        local = own.snapshot("achievements").dense_parts()
        for a, b in zip(shared, local, strict=True):
            assert a[0] == b[0]
            for x, y in zip(a[1:], b[1:], strict=True):
                assert np.array_equal(x, y)
    finally:
        own.close()
        index.close()
