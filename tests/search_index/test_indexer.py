"""Tests for writing the index: lock retries, rebuilds and searcher refresh."""

import threading
import time

import pytest

from search_index import IndexBusy, SearchIndex, search


def test_writer_waits_for_a_locked_index(index):
    held = index.index("achievements").writer()
    threading.Timer(0.3, held.cancel).start()
    t0 = time.monotonic()
    index.upsert(
        "achievements", [{"id": 50, "title": "锁后写入 TR90", "status": "published"}]
    )
    assert time.monotonic() - t0 >= 0.25
    assert [h.id for h in search(index, "achievements", "锁后写入").hits] == [50]


def test_busy_index_raises_after_a_bounded_wait(tmp_path):
    ix = SearchIndex(tmp_path / "busy", busy_timeout=0.3)
    held = ix.index("needs").writer()
    try:
        t0 = time.monotonic()
        with pytest.raises(IndexBusy):
            ix.delete("needs", [1])
        assert time.monotonic() - t0 < 2
    finally:
        held.cancel()
        ix.close()


@pytest.mark.parametrize("procs", [1, 2])
def test_rebuild_replaces_everything(index, procs, achievements):
    seen = []
    docs = [dict(d, id=d["id"] + 1000) for d in achievements]
    n = index.rebuild(
        "achievements", iter(docs), total=len(docs), progress=seen.append, procs=procs
    )
    assert n == len(docs) and seen[-1] == len(docs)
    assert index.doc_count("achievements") == len(docs)
    assert {h.id for h in search(index, "achievements", "板材").hits} == {1001, 1002}


def test_searcher_is_reused_until_the_index_changes(index):
    s1 = index.searcher("achievements")
    assert index.searcher("achievements") is s1
    index.upsert("achievements", [{"id": 60, "title": "新成果", "status": "published"}])
    assert index.searcher("achievements") is not s1


def test_a_second_process_view_sees_writes(index, tmp_path):
    other = SearchIndex(index.directory)
    try:
        assert other.doc_count("achievements") == index.doc_count("achievements")
        index.delete("achievements", [1])
        assert other.doc_count("achievements") == index.doc_count("achievements")
    finally:
        other.close()


def test_unknown_kind_is_refused(index):
    with pytest.raises(ValueError):
        index.doc_count("patents")


def test_an_index_cut_with_another_trade_dictionary_is_outdated(tmp_path):
    from whoosh import index as whoosh_index

    from search_index.analysis import dictionary_version
    from search_index.schema import make_schema

    fresh = SearchIndex(tmp_path / "fresh")
    assert not fresh.outdated("achievements")
    assert fresh.index("achievements").schema["text"].analyzer.dictionary == (
        dictionary_version()
    )
    fresh.close()
    # Written before the thesaurus or the user dictionary changed.
    schema = make_schema("achievements")
    for name in ("title", "text"):
        schema[name].analyzer.dictionary = "older"
    (tmp_path / "old").mkdir()
    whoosh_index.create_in(tmp_path / "old", schema, "achievements")
    old = SearchIndex(tmp_path / "old")
    assert old.outdated("achievements") and not old.outdated("needs")
    old.close()
