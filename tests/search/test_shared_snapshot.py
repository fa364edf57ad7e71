"""The app's index writes its shared snapshot files and reads them mapped."""

from __future__ import annotations

from marketplace.search.service import get_index, reset_index, sync_outbox
from search_index import search


def test_a_published_listing_is_found_through_the_mapped_snapshot(
    app, db, create_achievement
):
    ix = get_index()
    assert ix.shared
    a = create_achievement(title="记忆钛镜架冷轧工艺", summary="记忆钛丝冷轧成型")
    sync_outbox()
    assert [h.id for h in search(ix, "achievement", "冷轧").hits] == [a.id]
    assert ix.snapshot("achievement").mapped


def test_shared_snapshot_off_keeps_the_arrays_per_process(app, db, create_achievement):
    directory = app.config["SEARCH_INDEX_DIR"]
    reset_index(directory)
    app.config["SEARCH_SHARED_SNAPSHOT"] = "0"
    try:
        ix = get_index()
        assert not ix.shared
        a = create_achievement(title="镜架冷轧退火工艺", summary="冷轧后退火")
        sync_outbox()
        assert [h.id for h in search(ix, "achievement", "冷轧").hits] == [a.id]
        assert not ix.snapshot("achievement").mapped
    finally:
        reset_index(directory)
        app.config.pop("SEARCH_SHARED_SNAPSHOT", None)
