"""The matcher suggests catalogue services for a need: by named standard, by test word,
with reasons; the panel shows on the need page to the firm and the brokers only."""

from __future__ import annotations

from marketplace.accounts.models import Role
from marketplace.needs.models import NeedTranslation
from marketplace.services import suggest
from marketplace.services.models import Offering


def _add_translation(db, need, problem: str, method: str) -> None:
    need.translations.append(
        NeedTranslation(
            version=len(need.translations) + 1,
            technical_problem=problem,
            indicators=[{"name": "耐腐蚀", "target": "≥48 h", "test_method": method}],
            field="surface_treatment",
            keywords=[],
        )
    )
    db.session.commit()


def test_standards_and_words_are_read_from_mixed_text():
    assert suggest.standards_in("按GB/T10125-2021，EN 1811:2011 及 iso 9227") == {
        "GB/T 10125",
        "EN 1811",
        "ISO 9227",
    }
    assert suggest.standards_in("PVD 膜层附着力 ≥ 5B") == set()
    words = suggest.words_in("镜架电镀层盐雾 48 h 后起泡")
    assert "盐雾" in words and "镜架" not in words and "48" not in words


def test_a_salt_spray_need_gets_the_salt_spray_lab_with_reasons(
    app, db, net, create_need
):
    other = Offering(
        provider_id=net.provider.id,
        name="专利申请代理",
        price_mode="on_quote",
    )
    db.session.add(other)
    db.session.commit()
    need = create_need(org=net.firm_org)
    with app.test_request_context():
        # The factory's need (adhesion, GB/T 9286) asks for no service in the catalogue.
        assert suggest.suggest_for_need(need) == []
        _add_translation(db, need, "镜架电镀层中性盐雾 48 h 不起泡", "GB/T 10125")
        got = suggest.suggest_for_need(need)
        assert [s.offering.name for s in got] == ["盐雾试验"]
        reasons = got[0].reasons
        assert "依据标准 GB/T 10125" in reasons
        assert any("盐雾" in r for r in reasons) and "技术领域相同" in reasons
        # Named by its standard alone, the nickel test comes second.
        _add_translation(db, need, "镜架盐雾试验，另做 EN 1811 镍释放", "")
        got = suggest.suggest_for_need(need)
        assert [s.offering.name for s in got] == ["镜架镍释放检测", "盐雾试验"]
        net.nickel.active = False
        db.session.commit()
        assert [s.offering.name for s in suggest.suggest_for_need(need)] == ["盐雾试验"]
        # The lab's chamber is found by its name's test word, and by its standards.
        got = suggest.instruments_for_need(need)
        assert [s.item.name for s in got] == ["盐雾试验箱"]
        assert got[0].reasons[0].startswith("检测项目：盐雾")
        net.instrument.standards = "GB/T 10125、ISO 9227"
        db.session.commit()
        _add_translation(db, need, "耐腐蚀按 ISO 9227 评定", "")
        got = suggest.instruments_for_need(need)
        assert [s.item.name for s in got] == ["盐雾试验箱"]
        assert "依据标准 ISO 9227" in got[0].reasons


def test_the_panel_shows_to_the_firm_and_brokers_not_to_others(
    client, db, net, create_need, create_user, login
):
    need = create_need(org=net.firm_org)
    _add_translation(db, need, "中性盐雾 48 h", "GB/T 10125")
    client.post("/account/logout")
    login(net.firm)
    page = client.get(f"/needs/{need.id}").get_data(as_text=True)
    panel = page[page.index('id="need-services"') :]
    assert net.lab_org.name in panel and "依据标准 GB/T 10125" in panel
    assert (
        f"/instruments/{net.instrument.id}"
        in panel[panel.index('id="need-instruments"') :]
    )
    client.post("/account/logout")
    login(create_user(role=Role.BROKER))
    assert 'id="need-services"' in client.get(f"/needs/{need.id}").get_data(
        as_text=True
    )
    client.post("/account/logout")
    login(create_user(role=Role.SUPPLIER))
    page = client.get(f"/needs/{need.id}")
    assert page.status_code == 200 and 'id="need-services"' not in page.get_data(
        as_text=True
    )
