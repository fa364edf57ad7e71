"""The outbox keeps the index true: rollback, commit, delete, crash repair."""

from __future__ import annotations

import sqlalchemy as sa

from marketplace.accounts.models import Role
from marketplace.achievements.models import Achievement
from marketplace.search.models import SearchOutbox
from marketplace.search.service import get_index, sync_outbox
from search_index import search


def _ids(q: str, kind: str = "achievement") -> list[int]:
    return [h.id for h in search(get_index(), kind, q).hits]


def test_a_rolled_back_transaction_indexes_nothing(db, create_org):
    org = create_org(type="university")
    db.session.add(
        Achievement(
            organization=org,
            title="偏光镜片贴合工艺",
            summary="偏光膜贴合",
            status="published",
        )
    )
    db.session.flush()
    db.session.rollback()
    sync_outbox()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SearchOutbox)) == 0
    assert _ids("偏光") == []


def test_a_committed_listing_is_searchable(db, create_achievement):
    a = create_achievement(title="离焦镜片微结构设计", summary="多点离焦微透镜阵列")
    sync_outbox()
    assert _ids("离焦") == [a.id]


def test_drafts_are_never_indexed(db, create_achievement):
    create_achievement(title="渐进多焦点镜片设计", status="draft")
    sync_outbox()
    assert _ids("渐进多焦点") == []


def test_a_deleted_listing_disappears(db, create_achievement):
    a = create_achievement(title="醋酸纤维板抛光工艺")
    sync_outbox()
    assert _ids("醋酸纤维板") == [a.id]
    db.session.delete(a)
    db.session.commit()
    sync_outbox()
    assert _ids("醋酸纤维板") == []


def test_withdrawing_removes_from_the_index(db, create_achievement):
    a = create_achievement(title="防蓝光膜层配方")
    sync_outbox()
    a.status = "withdrawn"
    db.session.commit()
    sync_outbox()
    assert _ids("防蓝光") == []


def test_a_crash_between_commit_and_index_write_is_repaired_by_sync(
    app, db, create_achievement
):
    """The commit lands but the process dies before the index write: the outbox row
    is still pending, and `flask search sync` applies it."""
    a = create_achievement(title="钛合金鼻托激光焊接")
    pending = db.session.scalars(
        sa.select(SearchOutbox).where(SearchOutbox.processed_at.is_(None))
    ).all()
    assert [r.object_id for r in pending] == [a.id]
    assert _ids("鼻托") == []  # nothing applied yet: as after a crash
    result = app.test_cli_runner().invoke(args=["search", "sync"])
    assert result.exit_code == 0, result.output
    assert "applied 1" in result.output
    db.session.expire_all()
    assert _ids("鼻托") == [a.id]
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(SearchOutbox)
            .where(SearchOutbox.processed_at.is_(None))
        )
        == 0
    )


def test_confidential_detail_is_never_searchable(db, client, create_achievement):
    create_achievement(
        title="镜架电镀工艺",
        summary="无氰电镀镜架工艺",
        detail="机密配方：焦磷酸铜浓度 绝密词甲乙丙",
    )
    sync_outbox()
    assert _ids("焦磷酸铜") == []
    page = client.get("/search/?q=焦磷酸铜")
    assert page.status_code == 200
    assert "search-hit" not in page.get_data(as_text=True)
    page = client.get("/search/?q=电镀")
    assert "search-hit" in page.get_data(as_text=True)
    assert "绝密词" not in page.get_data(as_text=True)


def test_anonymous_need_search_counts_only_public_needs(
    db, client, login, create_user, create_need
):
    create_need(title="镜腿铰链松动问题", confidential=True)
    create_need(title="镜腿铰链松动问题公开")
    sync_outbox()
    anonymous = client.get("/search/?kind=need&q=铰链").get_data(as_text=True)
    assert anonymous.count("search-hit") == 1
    assert "共 1 条结果" in anonymous
    assert "公开" in anonymous
    login(create_user(role=Role.FIRM))
    member = client.get("/search/?kind=need&q=铰链").get_data(as_text=True)
    assert member.count("search-hit") == 2
    assert "共 2 条结果" in member
