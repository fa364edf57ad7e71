"""A need's page lists its cooperation modes with the language's own separator."""

from __future__ import annotations


def test_cooperation_modes_are_comma_separated_in_english(app, db, create_need):
    need = create_need(cooperation_modes=["licence", "joint_development"])
    db.session.commit()
    c = app.test_client()
    assert "许可、合作开发" in c.get(f"/needs/{need.id}").text
    assert c.get("/lang/en?next=/").status_code == 302
    page = c.get(f"/needs/{need.id}").text
    assert "Licence, Joint development" in page and "、" not in page.split("<main")[1]
