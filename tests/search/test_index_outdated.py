"""An index written before every segment had its posting sidecar is refused, not read
another way: the search page answers 503 with a message, never a 500, until
`flask search reindex --if-outdated` (which `make run` runs) rebuilds it."""

from __future__ import annotations

import shutil

from marketplace.search.documents import achievement_doc
from marketplace.search.service import reset_index, sync_outbox
from search_index import SearchIndex
from search_index.schema import to_document


def _make_it_old(app, achievement) -> None:
    """Replace the app's index by one written with Whoosh's own writer (no sidecar)."""
    directory = app.config["SEARCH_INDEX_DIR"]
    reset_index(directory)
    shutil.rmtree(directory)
    old = SearchIndex(directory)
    with old.index("achievements").writer() as w:
        w.add_document(**to_document("achievements", achievement_doc(achievement)))
    assert old.outdated("achievements")
    old.close()


def test_an_outdated_index_answers_503_until_it_is_rebuilt(
    app, client, db, create_achievement, caplog
):
    a = create_achievement(title="钛合金镜架激光焊接工艺", summary="镜架焊接")
    sync_outbox()
    assert f"/achievements/{a.id}" in client.get("/search/?q=镜架").get_data(
        as_text=True
    )

    _make_it_old(app, a)
    refused = client.get("/search/?q=镜架")
    assert refused.status_code == 503
    assert refused.headers["Retry-After"] == "60"
    assert "搜索索引正在升级" in refused.get_data(as_text=True)
    assert "search index outdated" in caplog.text

    result = app.test_cli_runner().invoke(
        args=["search", "reindex", "--if-outdated", "--procs", "1"]
    )
    assert result.exit_code == 0, result.output
    again = client.get("/search/?q=镜架")
    assert again.status_code == 200
    assert f"/achievements/{a.id}" in again.get_data(as_text=True)
