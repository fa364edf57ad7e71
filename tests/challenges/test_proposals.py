"""Proposals: who may submit, versions, the deadline to the second, confidentiality."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from marketplace.challenges import proposals
from marketplace.challenges.models import Proposal, ProposalVersion
from marketplace.core.errors import InvalidTransition, PermissionDenied

from .conftest import past_deadline, submit


def test_member_of_verified_eligible_org_submits_and_revises_keeping_versions(
    client, db, login, cast, call
):
    login(cast.solver_a)
    response = client.post(
        f"/challenges/{call.id}/proposal",
        data={"approach": "离子源预清洗 + 过渡层", "budget": "150000", "nda": "y"},
    )
    assert response.status_code == 302
    response = client.post(
        f"/challenges/{call.id}/proposal",
        data={"approach": "改为 HiPIMS 工艺", "nda": "y"},
    )
    assert response.status_code == 302
    [proposal] = db.session.scalars(sa.select(Proposal)).all()
    assert [v.version for v in proposal.versions] == [1, 2]
    assert proposal.versions[0].budget_fen == 15_000_000
    assert proposal.current.approach == "改为 HiPIMS 工艺"
    page = client.get(f"/challenges/proposals/{proposal.id}")
    assert page.status_code == 200 and "HiPIMS" in page.text and "历史版本" in page.text


def test_bad_proposal_input_gets_a_message_and_saves_nothing(
    client, db, login, cast, call
):
    login(cast.solver_a)
    response = client.post(
        f"/challenges/{call.id}/proposal", data={"approach": "", "budget": "三万"}
    )
    assert response.status_code == 422
    assert "请填写技术方案。" in response.text
    assert "请输入有效金额" in response.text
    assert "提交方案须接受保密协议。" in response.text
    assert db.session.scalar(sa.select(sa.func.count(Proposal.id))) == 0


def test_who_may_not_submit(
    client, app, db, login, cast, call, create_user, create_org
):
    for user in (cast.unverified, cast.sponsor, cast.e1, cast.broker):
        c = app.test_client()
        login(user, c=c)
        assert (
            c.post(
                f"/challenges/{call.id}/proposal", data={"approach": "x"}
            ).status_code
            == 403
        )
        with pytest.raises(PermissionDenied):
            proposals.submit_proposal(user, call, {"approach": "x"})
    # An organisation type the call does not admit (a TTO here).
    tto_user = create_user(role="supplier", org=create_org(type="tto"))
    with pytest.raises(PermissionDenied):
        proposals.submit_proposal(tto_user, call, {"approach": "x"})
    assert db.session.scalar(sa.select(sa.func.count(Proposal.id))) == 0


def test_deadline_holds_to_the_second(db, cast, call):
    last_second = call.deadline_at - timedelta(seconds=1)
    submit(db, cast.solver_a, call, now=last_second)
    submit(db, cast.solver_b, call, now=last_second)  # both in the last second count
    with pytest.raises(InvalidTransition) as exc:
        proposals.submit_proposal(
            cast.solver_a, call, {"approach": "迟到"}, now=call.deadline_at
        )
    db.session.rollback()
    assert "提交截止时间已过" in str(exc.value)
    assert db.session.scalar(sa.select(sa.func.count(ProposalVersion.id))) == 2


def test_late_submission_through_the_page_is_refused_with_a_message(
    client, db, login, cast, call
):
    login(cast.solver_a)
    past_deadline(db, call)
    response = client.post(
        f"/challenges/{call.id}/proposal", data={"approach": "迟到", "nda": "y"}
    )
    assert response.status_code == 409
    assert "提交截止时间已过" in response.text and "方案未被接收" in response.text
    assert db.session.scalar(sa.select(sa.func.count(Proposal.id))) == 0


def test_proposals_visible_only_to_their_org_sponsor_broker_and_panel(
    client, app, db, login, cast, call, create_user
):
    a = submit(db, cast.solver_a, call, "甲方案机密内容").proposal
    b = submit(db, cast.solver_b, call, "乙方案机密内容").proposal

    def sees(user, proposal):
        c = app.test_client()
        login(user, c=c)
        return c.get(f"/challenges/proposals/{proposal.id}").status_code == 200

    assert sees(cast.solver_a, a) and not sees(cast.solver_a, b)
    assert sees(cast.solver_b, b) and not sees(cast.solver_b, a)
    for insider in (cast.sponsor, cast.broker, cast.e1, cast.e2):
        assert sees(insider, a) and sees(insider, b)
    # e3 declared a tie to institute A: not that proposal, only the other.
    assert sees(cast.e3, b) and not sees(cast.e3, a)
    assert not sees(cast.outsider_expert, a)
    other_broker = create_user(role="broker")
    assert not sees(other_broker, a)
    assert not sees(create_user(role="firm"), a)
    # The call's page lists only what the visitor may see.
    c = app.test_client()
    login(cast.solver_a, c=c)
    page = c.get(f"/challenges/{call.id}").text
    assert cast.inst_a.name in page and cast.inst_b.name not in page
    public = app.test_client()
    assert public.get(f"/challenges/proposals/{a.id}").status_code == 302  # to login
    assert "甲方案机密内容" not in public.get(f"/challenges/{call.id}").text


def test_each_version_records_the_nda_version_accepted(client, db, login, cast, call):
    from marketplace.legal.models import TextKind
    from marketplace.legal.texts import stored_current

    login(cast.solver_a)
    form = client.get(f"/challenges/{call.id}/proposal")
    assert 'name="nda_version"' in form.text
    nda = stored_current(TextKind.NDA)
    db.session.commit()
    response = client.post(
        f"/challenges/{call.id}/proposal",
        data={"approach": "方案", "nda": "y", "nda_version": nda.version},
    )
    assert response.status_code == 302
    version = db.session.scalar(sa.select(ProposalVersion))
    assert version.nda_version_id == nda.id
    # A page showing an older NDA version than the current one is refused.
    response = client.post(
        f"/challenges/{call.id}/proposal",
        data={"approach": "方案二", "nda": "y", "nda_version": nda.version + 5},
    )
    assert response.status_code == 422 and "协议已更新为" in response.text
    assert db.session.scalar(sa.select(sa.func.count(ProposalVersion.id))) == 1


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_a_proposal_cites_own_achievements_and_attaches_a_file(
    app, client, db, login, cast, call, create_achievement
):
    import io

    from marketplace.uploads.models import Attachment

    own = create_achievement(org=cast.inst_a, title="过渡层镀膜工艺")
    other = create_achievement(org=cast.inst_b, title="别人的成果")
    login(cast.solver_a)
    form = client.get(f"/challenges/{call.id}/proposal").text
    assert own.title in form and other.title not in form
    # Another organisation's achievement is refused, and nothing is saved.
    response = client.post(
        f"/challenges/{call.id}/proposal",
        data={"approach": "方案", "nda": "y", "achievements": [str(other.id)]},
    )
    assert response.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count(Proposal.id))) == 0
    # A file whose bytes do not match its name is refused by the upload rules.
    response = client.post(
        f"/challenges/{call.id}/proposal",
        data={
            "approach": "方案",
            "nda": "y",
            "file": (io.BytesIO(b"not a pdf"), "方案.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 422 and "文件内容与扩展名" in response.text
    assert db.session.scalar(sa.select(sa.func.count(Proposal.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(Attachment.id))) == 0
    response = client.post(
        f"/challenges/{call.id}/proposal",
        data={
            "approach": "方案",
            "nda": "y",
            "achievements": [str(own.id)],
            "file": (io.BytesIO(PDF), "技术方案.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    [proposal] = db.session.scalars(sa.select(Proposal)).all()
    assert proposal.current.achievement_ids == [own.id]
    [attachment] = db.session.scalars(sa.select(Attachment)).all()
    assert attachment.owner_type == "challenge_proposal" and attachment.confidential
    page = client.get(f"/challenges/proposals/{proposal.id}").text
    assert own.title in page and "技术方案.pdf" in page
    assert client.get(f"/files/{attachment.id}").status_code == 200

    def downloads(user) -> int:
        c = app.test_client()
        login(user, c=c)
        return c.get(f"/files/{attachment.id}").status_code

    assert downloads(cast.sponsor) == 200 and downloads(cast.e1) == 200
    assert downloads(cast.solver_b) == 404 and downloads(cast.e3) == 404


def test_an_attachment_over_the_limit_gets_413_and_saves_nothing(
    app, client, db, login, cast, call, monkeypatch
):
    import io

    login(cast.solver_a)
    monkeypatch.setitem(app.config, "MAX_UPLOAD_BYTES", 64)
    response = client.post(
        f"/challenges/{call.id}/proposal",
        data={
            "approach": "方案",
            "nda": "y",
            "file": (io.BytesIO(PDF + b"0" * 100), "大文件.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 413 and "上传的文件过大" in response.text
    assert db.session.scalar(sa.select(sa.func.count(Proposal.id))) == 0
