"""Downloading and deleting attachments: the owner object's rules decide."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from marketplace.accounts.models import Role
from marketplace.achievements.models import NdaRequest, NdaState
from marketplace.extensions import db as _db
from marketplace.listings.lifecycle import ListingStatus
from marketplace.uploads.models import Attachment

from .conftest import PDF, upload


def _attachments(db) -> list[Attachment]:
    return list(db.session.scalars(sa.select(Attachment)))


def _attach(client, login, owner, a, confidential: bool) -> Attachment:
    """Upload a PDF as the owner, sign out, and return its row."""
    login(owner)
    response = upload(client, a, "检测报告.pdf", PDF, confidential=confidential)
    assert response.status_code == 302
    client.post("/account/logout")
    return _db.session.scalars(
        sa.select(Attachment).order_by(Attachment.id.desc())
    ).first()


def test_download_sends_attachment_with_chinese_name(
    client, login, owner_and_draft, db
):
    owner, a = owner_and_draft
    att = _attach(client, login, owner, a, confidential=False)
    a.status = ListingStatus.PUBLISHED
    db.session.commit()
    response = client.get(f"/files/{att.id}")
    assert response.status_code == 200
    assert response.data == PDF
    assert response.mimetype == "application/pdf"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment")
    assert "filename*=UTF-8''%E6%A3%80%E6%B5%8B%E6%8A%A5%E5%91%8A.pdf" in disposition
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_attachments_of_a_draft_are_hidden_from_outsiders(
    client, login, owner_and_draft, create_user, db
):
    owner, a = owner_and_draft
    att = _attach(client, login, owner, a, confidential=False)
    assert client.get(f"/files/{att.id}").status_code == 404
    login(create_user(role=Role.FIRM))
    assert client.get(f"/files/{att.id}").status_code == 404


@pytest.mark.parametrize(
    ("viewer", "expected"),
    [
        ("anonymous", 404),
        ("firm", 404),
        ("owner", 200),
        ("broker", 200),
        ("operator", 200),
    ],
)
def test_confidential_attachment_follows_detail_rule(
    client, login, owner_and_draft, create_user, db, viewer, expected
):
    owner, a = owner_and_draft
    att = _attach(client, login, owner, a, confidential=True)
    a.status = ListingStatus.PUBLISHED
    db.session.commit()
    users = {
        "owner": owner,
        "firm": create_user(role=Role.FIRM),
        "broker": create_user(role=Role.BROKER),
        "operator": create_user(role=Role.OPERATOR),
    }
    if viewer != "anonymous":
        login(users[viewer])
    assert client.get(f"/files/{att.id}").status_code == expected
    page = client.get(f"/achievements/{a.id}").get_data(as_text=True)
    assert (f"/files/{att.id}" in page) is (expected == 200)


def test_confidential_attachment_after_nda_acceptance(
    client, login, owner_and_draft, create_user, db
):
    owner, a = owner_and_draft
    att = _attach(client, login, owner, a, confidential=True)
    a.status = ListingStatus.PUBLISHED
    firm = create_user(role=Role.FIRM)
    nda = NdaRequest(achievement=a, requester_id=firm.id)
    db.session.add(nda)
    db.session.commit()
    login(firm)
    assert client.get(f"/files/{att.id}").status_code == 404
    nda.state = NdaState.ACCEPTED
    db.session.commit()
    assert client.get(f"/files/{att.id}").status_code == 200


def test_owner_deletes_attachment_of_draft(app, client, login, owner_and_draft, db):
    owner, a = owner_and_draft
    att = _attach(client, login, owner, a, confidential=False)
    path = Path(app.config["UPLOAD_DIR"]) / att.stored_name
    login(owner)
    response = client.post(f"/files/{att.id}/delete")
    assert response.status_code == 302 and response.location.endswith(
        f"/achievements/{a.id}"
    )
    assert _attachments(db) == []
    assert not path.exists()


@pytest.mark.parametrize(("who", "expected"), [("firm", 404), ("operator", 403)])
def test_others_cannot_delete(
    client, login, owner_and_draft, create_user, db, who, expected
):
    owner, a = owner_and_draft
    att = _attach(client, login, owner, a, confidential=False)
    login(create_user(role=Role.FIRM if who == "firm" else Role.OPERATOR))
    assert client.post(f"/files/{att.id}/delete").status_code == expected
    assert len(_attachments(db)) == 1


def test_attachment_of_published_achievement_cannot_be_deleted(
    client, login, owner_and_draft, db
):
    owner, a = owner_and_draft
    att = _attach(client, login, owner, a, confidential=False)
    a.status = ListingStatus.PUBLISHED
    db.session.commit()
    login(owner)
    assert client.post(f"/files/{att.id}/delete").status_code == 403
    assert len(_attachments(db)) == 1


def test_unknown_or_unregistered_attachments_are_404(client, db):
    db.session.add(
        Attachment(
            owner_type="mystery",
            owner_id=1,
            filename="x.pdf",
            stored_name="0" * 32,
            content_type="application/pdf",
            size=1,
        )
    )
    db.session.commit()
    att = db.session.scalars(sa.select(Attachment)).one()
    assert client.get(f"/files/{att.id}").status_code == 404
    assert client.get("/files/999999").status_code == 404
    assert client.get("/files/abc").status_code == 404
