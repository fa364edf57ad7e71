"""Evaluation reports and the valuation page: who writes, who reads, what is saved."""

from __future__ import annotations

import pytest

from marketplace.evaluation.models import Evaluation, Valuation


def report_form(**overrides):
    data = {
        "evaluator_name": "李经纪",
        "evaluated_on": "2026-05-01",
        "trl": "6",
        "trl_evidence": "样机已在合作企业试产线运行三个月",
        "novelty_score": "4",
        "advancement_score": "4",
        "ip_score": "3",
        "ip_legal_status": "发明专利 · 已授权",
        "market_score": "5",
        "team_score": "3",
        "conclusion": "recommended",
        "conclusion_text": "建议以普通许可方式转化。",
    }
    data.update(overrides)
    return data


def valuation_form(intent="calculate", **overrides):
    data = {
        "years": "3",
        "revenues-0": "1000000",
        "revenues-1": "1200000",
        "revenues-2": "1500000",
        "margin_pct": "20",
        "share_pct": "25",
        "risk_free_pct": "3",
        "technical_pct": "4",
        "market_pct": "3",
        "funding_pct": "2",
        "management_pct": "2",
        "cost_items-0-name": "研发人工",
        "cost_items-0-amount": "80000",
        "cost_items-1-name": "材料",
        "cost_items-1-amount": "30000",
        "cost_items-2-name": "专利费",
        "cost_items-2-amount": "15000",
        "profit_pct": "10",
        "obsolescence_pct": "40",
        "intent": intent,
    }
    data.update(overrides)
    return data


@pytest.fixture
def evaluation(db, deal, people, client_for):
    r = client_for(people["broker"]).post(
        f"/evaluations/deal/{deal.id}/new", data=report_form()
    )
    assert r.status_code == 302
    return db.session.scalar(db.select(Evaluation))


def test_the_form_is_prefilled_from_the_achievements_patent(deal, people, client_for):
    html = (
        client_for(people["broker"])
        .get(f"/evaluations/deal/{deal.id}/new")
        .get_data(as_text=True)
    )
    assert "ZL202010123456.7" in html
    assert 'value="6" selected' in html or "selected" in html


def test_deal_broker_writes_and_parties_read_the_report(
    evaluation, deal, people, client_for
):
    assert evaluation.deal_id == deal.id and evaluation.total_score == 19
    for who in ("supplier", "firm", "broker", "operator"):
        r = client_for(people[who]).get(f"/evaluations/{evaluation.id}")
        assert r.status_code == 200, who
        assert "科技成果评价报告" in r.get_data(as_text=True)
    for who in ("outsider", "other_broker"):
        assert (
            client_for(people[who]).get(f"/evaluations/{evaluation.id}").status_code
            == 404
        )
    # Parties read but do not write.
    assert (
        client_for(people["firm"]).get(f"/evaluations/{evaluation.id}/edit").status_code
        == 403
    )
    assert (
        client_for(people["supplier"])
        .post(f"/evaluations/deal/{deal.id}/new", data=report_form())
        .status_code
        == 403
    )


def test_a_bad_report_is_refused_with_422(db, deal, people, client_for):
    r = client_for(people["broker"]).post(
        f"/evaluations/deal/{deal.id}/new",
        data=report_form(novelty_score="9", trl_evidence="<b>x</b>"),
    )
    assert r.status_code == 422
    assert db.session.scalar(db.select(Evaluation)) is None


def test_valuation_page_shows_the_worked_example_and_saves_it(
    db, evaluation, people, client_for
):
    broker = client_for(people["broker"])
    r = broker.post(f"/evaluations/{evaluation.id}/valuation", data=valuation_form())
    html = r.get_data(as_text=True)
    assert r.status_code == 200
    assert "¥43,859.65" in html and "¥140,650.56" in html and "¥82,500" in html
    assert db.session.scalar(db.select(Valuation)) is None  # calculating saves nothing

    r = broker.post(
        f"/evaluations/{evaluation.id}/valuation", data=valuation_form("save")
    )
    assert r.status_code == 302
    v = db.session.scalar(db.select(Valuation))
    assert (v.income_value_fen, v.cost_value_fen) == (14_065_056, 8_250_000)
    report = (
        client_for(people["firm"])
        .get(f"/evaluations/{evaluation.id}")
        .get_data(as_text=True)
    )
    assert "¥140,650.56" in report


@pytest.mark.parametrize(
    "overrides",
    [
        {"years": "0"},
        {"years": "abc"},
        {"revenues-2": ""},
        {"revenues-1": "-5"},
        {"margin_pct": "150"},
        {"share_pct": ""},
        {"risk_free_pct": "x"},
    ],
)
def test_bad_valuation_inputs_are_refused_with_422(
    db, evaluation, people, client_for, overrides
):
    r = client_for(people["broker"]).post(
        f"/evaluations/{evaluation.id}/valuation",
        data=valuation_form("save", **overrides),
    )
    assert r.status_code == 422
    assert db.session.scalar(db.select(Valuation)) is None


def test_achievement_reports_are_for_staff_and_the_owner(db, deal, people, client_for):
    a = deal.achievement
    r = client_for(people["other_broker"]).post(
        f"/evaluations/achievement/{a.id}/new", data=report_form()
    )
    assert r.status_code == 302
    e = db.session.scalar(db.select(Evaluation))
    assert client_for(people["supplier"]).get(f"/evaluations/{e.id}").status_code == 200
    assert client_for(people["firm"]).get(f"/evaluations/{e.id}").status_code == 404
    assert (
        client_for(people["firm"])
        .post(f"/evaluations/achievement/{a.id}/new", data=report_form())
        .status_code
        == 403
    )
    assert (
        client_for(people["firm"]).get(f"/evaluations/achievement/{a.id}").status_code
        == 404
    )
