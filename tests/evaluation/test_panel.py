"""Evaluations by an expert panel: forming it (ties excluded), blind final scores, the
chair's opinion, dissent, closing, the aggregate, who sees what, the PDF."""

from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa

from marketplace.accounts.models import Role
from marketplace.evaluation import report
from marketplace.evaluation.aggregate import lower_median, mean
from marketplace.evaluation.models import Evaluation, EvaluationScore
from marketplace.experts import services as experts
from marketplace.notifications.models import Notification
from tests.evaluation.test_pages import report_form


def scores(trl, n, a, i, m, t, **extra):
    data = {
        "trl": str(trl),
        "trl_evidence": f"样机检测报告（TRL {trl}）",
        "novelty_score": str(n),
        "advancement_score": str(a),
        "ip_score": str(i),
        "market_score": str(m),
        "team_score": str(t),
        "novelty_comment": "微结构设计新颖",
        "comment": "同意评价。",
    }
    data.update(extra)
    return data


def test_scoring_is_blind_and_a_submitted_score_is_final(
    db, started, panelists, client_for
):
    lin, chen = client_for(panelists["lin"]), client_for(panelists["chen"])
    url = f"/evaluations/{started.id}"
    assert lin.post(f"{url}/score", data=scores(6, 4, 4, 3, 5, 3)).status_code == 302
    before = chen.get(url).text
    assert 'id="scores-hidden"' in before and "林晓岚</th>" not in before
    assert "样机检测报告（TRL 6）" not in before
    assert chen.post(f"{url}/score", data=scores(7, 5, 4, 4, 4, 4)).status_code == 302
    after = chen.get(url).text
    assert "林晓岚</th>" in after and "样机检测报告（TRL 6）" in after

    again = lin.post(f"{url}/score", data=scores(9, 5, 5, 5, 5, 5))
    assert again.status_code == 422 and "您已提交评分，提交后不能修改。" in again.text
    mine = db.session.scalar(
        sa.select(EvaluationScore).where(
            EvaluationScore.expert_id == panelists["lin"].id
        )
    )
    assert (mine.trl, mine.novelty_score) == (6, 4)


def test_bad_scores_are_refused_with_a_message_and_nothing_saved(
    db, started, panelists, client_for
):
    lin = client_for(panelists["lin"])
    url = f"/evaluations/{started.id}/score"
    r = lin.post(url, data=scores(10, 4, 4, 3, 5, 3))
    assert r.status_code == 422 and "不是有效的选择。" in r.text
    r = lin.post(url, data=scores(6, 7, 4, 3, 5, 3, trl_evidence=""))
    assert r.status_code == 422 and "请写明判定成熟度的依据。" in r.text
    r = lin.post(url, data={"trl": "x"})
    assert r.status_code == 422 and "请选择评分。" in r.text
    assert db.session.scalar(sa.select(sa.func.count(EvaluationScore.id))) == 0


def test_experts_see_only_their_panels_and_parties_see_scores_once_closed(
    db, started, deal, people, panelists, client_for, create_user
):
    url = f"/evaluations/{started.id}"
    outsider = client_for(create_user(role=Role.EXPERT, name="局外专家"))
    assert outsider.get(url).status_code == 404
    assert outsider.get(f"{url}/score").status_code == 404
    assert (
        outsider.post(f"{url}/score", data=scores(6, 4, 4, 3, 5, 3)).status_code == 404
    )
    assert outsider.get(f"{url}/report.pdf").status_code == 404
    assert client_for(people["outsider"]).get(url).status_code == 404

    firm = client_for(people["firm"])
    assert firm.get(f"{url}/score").status_code == 403
    assert firm.post(f"{url}/score", data=scores(6, 4, 4, 3, 5, 3)).status_code == 403
    # The confidential detail reaches the panel's scoring page, never the report.
    lin = client_for(panelists["lin"])
    assert "焊接功率 1.2 kW" in lin.get(f"{url}/score").text
    client_for(panelists["chen"]).post(f"{url}/score", data=scores(6, 4, 4, 3, 5, 3))
    assert 'id="scores-hidden"' in firm.get(url).text  # parties wait for the close
    assert "焊接功率" not in lin.get(url).text


def _score_all(started, panelists, client_for):
    url = f"/evaluations/{started.id}/score"
    for key, data in (
        ("chair", scores(5, 4, 3, 4, 4, 3)),
        ("lin", scores(7, 5, 4, 3, 5, 4)),
        ("chen", scores(6, 3, 4, 3, 4, 4)),
    ):
        assert client_for(panelists[key]).post(url, data=data).status_code == 302


def test_the_chair_alone_writes_the_opinion_after_everyone_scored(
    db, started, panelists, client_for
):
    url = f"/evaluations/{started.id}/opinion"
    opinion = {"conclusion": "recommended", "conclusion_text": "专家组建议许可转化。"}
    chair = client_for(panelists["chair"])
    early = chair.post(url, data=opinion, follow_redirects=True)
    assert "还有专家尚未评分，暂不能撰写专家组意见。" in early.text
    _score_all(started, panelists, client_for)
    assert client_for(panelists["lin"]).post(url, data=opinion).status_code == 403
    empty = chair.post(url, data={"conclusion": "recommended", "conclusion_text": ""})
    assert empty.status_code == 422 and "请填写专家组意见。" in empty.text
    assert chair.post(url, data=opinion).status_code == 302
    db.session.refresh(started)
    assert started.conclusion == "recommended" and started.opinion_at is not None


def test_members_record_dissent_by_name_the_chair_does_not(
    db, started, panelists, client_for
):
    url = f"/evaluations/{started.id}"
    lin = client_for(panelists["lin"])
    _score_all(started, panelists, client_for)
    too_early = lin.post(f"{url}/dissent", data={"dissent": "市场前景估计偏高"})
    assert too_early.status_code == 422 and "组长尚未撰写专家组意见。" in too_early.text
    chair = client_for(panelists["chair"])
    chair.post(
        f"{url}/opinion",
        data={"conclusion": "conditional", "conclusion_text": "有条件建议转化。"},
    )
    assert lin.post(f"{url}/dissent", data={"dissent": ""}).status_code == 422
    assert (
        lin.post(f"{url}/dissent", data={"dissent": "市场前景估计偏高"}).status_code
        == 302
    )
    assert chair.post(f"{url}/dissent", data={"dissent": "x"}).status_code == 403
    page = lin.get(url).text
    assert "林晓岚：市场前景估计偏高" in page


def test_closing_produces_the_report_with_the_aggregate_computed_by_hand(
    db, started, deal, people, panelists, client_for
):
    url = f"/evaluations/{started.id}"
    broker = client_for(people["broker"])
    _score_all(started, panelists, client_for)
    refused = broker.post(f"{url}/close", follow_redirects=True)
    assert "组长尚未撰写专家组意见，不能结束评价。" in refused.text
    client_for(panelists["chair"]).post(
        f"{url}/opinion",
        data={"conclusion": "recommended", "conclusion_text": "建议转化。"},
    )
    assert client_for(people["other_broker"]).post(f"{url}/close").status_code in (
        403,
        404,
    )
    assert broker.post(f"{url}/close").status_code == 302
    db.session.refresh(started)
    # TRL 5, 7, 6 → median 6. 创新度 4, 5, 3 → 4.00; 先进度 3, 4, 4 → 3.67;
    # 知识产权 4, 3, 3 → 3.33; 市场 4, 5, 4 → 4.33; 团队 3, 4, 4 → 3.67; total 19.00.
    assert started.closed_at is not None and started.trl == 6
    s = started.panel_summary
    assert s.means == {
        "novelty": Decimal("4.00"),
        "advancement": Decimal("3.67"),
        "ip": Decimal("3.33"),
        "market": Decimal("4.33"),
        "team": Decimal("3.67"),
    }
    assert s.total == Decimal("19.00")
    page = client_for(people["firm"]).get(url).text  # a party reads the closed report
    assert 'id="agg-advancement">3.67<' in page and 'id="agg-trl">6' in page
    assert "周志远（组长）" in page and "建议转化。" in page
    late = client_for(panelists["lin"]).post(f"{url}/dissent", data={"dissent": "x"})
    assert late.status_code == 422 and "专家组评价已结束。" in late.text
    listing = client_for(people["firm"]).get(f"/evaluations/deal/{deal.id}").text
    assert "19.00/25" in listing


def test_the_report_exports_to_pdf(db, started, people, panelists, client_for, app):
    r = client_for(people["broker"]).get(f"/evaluations/{started.id}/report.pdf")
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    assert r.data.startswith(b"%PDF")
    assert "private" in r.headers["Cache-Control"]
    _score_all(started, panelists, client_for)
    client_for(panelists["chair"]).post(
        f"/evaluations/{started.id}/opinion",
        data={"conclusion": "recommended", "conclusion_text": "建议转化。"},
    )
    client_for(panelists["lin"]).post(
        f"/evaluations/{started.id}/dissent", data={"dissent": "团队偏弱"}
    )
    client_for(people["broker"]).post(f"/evaluations/{started.id}/close")
    db.session.refresh(started)
    with app.test_request_context():
        text = "\n".join(
            f"{heading}\n" + "\n".join(lines)
            for heading, lines in report.pdf_sections(
                report.build(people["firm"], started)
            )
        )
    assert "周志远（组长）" in text and "专家组：离焦镜片评价专家组" in text
    assert "先进度（平均）：3.67" in text and "TRL（中位数）：6" in text
    assert "合计：19.00 / 25" in text and "林晓岚：团队偏弱" in text
    assert "建议转化。" in text and "焊接功率" not in text


def test_a_tie_declared_later_bars_the_expert_from_scoring(
    db, started, deal, panelists, client_for
):
    experts.declare_tie(panelists["chen"], deal.supplier_org_id)
    db.session.commit()
    chen = client_for(panelists["chen"])
    assert chen.get(f"/evaluations/{started.id}").status_code == 404
    assert (
        chen.post(
            f"/evaluations/{started.id}/score", data=scores(6, 4, 4, 3, 5, 3)
        ).status_code
        == 404
    )


def test_the_aggregate_rules():
    assert lower_median([5, 7, 6]) == 6
    assert lower_median([4, 6]) == 4  # even count: the lower middle level
    assert lower_median([]) is None
    assert mean([4, 5, 3]) == Decimal("4.00")
    assert mean([1, 2]) == Decimal("1.50")
    assert mean([2, 2, 3]) == Decimal("2.33") and mean([1, 1, 2, 2, 2, 2]) == Decimal(
        "1.67"
    )


def test_the_panel_is_told_to_score_and_the_chair_when_all_have(
    db, started, panelists, client_for
):
    def kinds(user):
        return sorted(
            db.session.scalars(
                sa.select(Notification.kind).where(Notification.user_id == user.id)
            )
        )

    assert kinds(panelists["lin"]) == ["evaluation.panel"]
    assert kinds(panelists["tied"]) == []
    _score_all(started, panelists, client_for)
    assert kinds(panelists["chair"]) == ["evaluation.panel", "evaluation.scored"]


def test_a_single_evaluators_report_exports_to_pdf_too(db, deal, people, client_for):
    broker = client_for(people["broker"])
    assert (
        broker.post(f"/evaluations/deal/{deal.id}/new", data=report_form()).status_code
        == 302
    )
    ev = db.session.scalar(sa.select(Evaluation))
    r = client_for(people["firm"]).get(f"/evaluations/{ev.id}/report.pdf")
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    assert (
        client_for(people["outsider"])
        .get(f"/evaluations/{ev.id}/report.pdf")
        .status_code
        == 404
    )


def test_the_panel_pages_speak_english_when_asked(
    db, started, deal, people, panelists, client_for
):
    lin = client_for(panelists["lin"])
    page = lin.get(f"/evaluations/{started.id}/score?lang=en")
    assert page.status_code == 200 and "Score alone" in page.text
    r = lin.post(f"/evaluations/{started.id}/score", data={"trl": "x"})
    assert r.status_code == 422 and "Please select a score." in r.text
    report_page = lin.get(f"/evaluations/{started.id}").text
    assert "Experts score alone" in report_page
    broker = client_for(people["broker"])
    form = broker.get(f"/evaluations/deal/{deal.id}/panel?lang=en").text
    assert "Experts suggested by field" in form
    assert "Record of reviews" in lin.get("/experts/").text
