"""In English the call's page, its report and the need's link to it separate labels,
lists and asides with ASCII punctuation, not the Chinese full-width marks."""

from __future__ import annotations

import re

from .conftest import submit

FULL_WIDTH = re.compile(r"[：；、（）]")


def _main(html: str) -> str:
    """The page's <main>, without tags: the user data in the fixtures has no
    full-width punctuation, so any left comes from the templates."""
    body = html.split("<main", 1)[1].split("</main>", 1)[0]
    return re.sub(r"<[^>]+>", "", body)


def test_call_pages_use_ascii_punctuation_in_english(
    app, client, db, login, cast, call
):
    submit(db, cast.solver_a, call)
    visitor = app.test_client()
    assert visitor.get("/lang/en?next=/").status_code == 302
    need = _main(visitor.get(f"/needs/{cast.need.id}").text)
    assert f"{call.title} (" in need
    login(cast.e1)
    assert client.get("/lang/en?next=/").status_code == 302
    detail = _main(client.get(f"/challenges/{call.id}").text)
    assert "技术先进性 (60%); 可行性 (40%)" in detail
    assert "一等奖: " in detail
    report = _main(client.get(f"/challenges/{call.id}/report").text)
    assert "Expert panel: 镀膜专家组" in report
    assert "专家1 (Chair)" in report
    for text in (detail, report, need):
        assert not FULL_WIDTH.findall(text), FULL_WIDTH.findall(text)

    assert client.get("/lang/zh_CN?next=/").status_code == 302
    report = _main(client.get(f"/challenges/{call.id}/report").text)
    assert "专家组：镀膜专家组" in report and "专家1（组长）" in report
    detail = _main(client.get(f"/challenges/{call.id}").text)
    assert "技术先进性（60%）；可行性（40%）" in detail
