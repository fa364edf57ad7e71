"""A proposal's attachment: removed by its organisation while the call is open, and
the user is sent back to the proposal's page (it used to land on the home page)."""

from __future__ import annotations

import io

import sqlalchemy as sa

from marketplace.challenges.models import Proposal
from marketplace.uploads.models import Attachment

from .conftest import past_deadline

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _with_file(client, db, login, cast, call) -> tuple[Proposal, Attachment]:
    login(cast.solver_a)
    response = client.post(
        f"/challenges/{call.id}/proposal",
        data={"approach": "方案", "nda": "y", "file": (io.BytesIO(PDF), "方案.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    return db.session.scalar(sa.select(Proposal)), db.session.scalar(
        sa.select(Attachment)
    )


def test_deleting_a_proposal_file_returns_to_the_proposal_page(
    app, client, db, login, cast, call
):
    proposal, attachment = _with_file(client, db, login, cast, call)
    page = client.get(f"/challenges/proposals/{proposal.id}").text
    assert f'action="/files/{attachment.id}/delete"' in page
    response = client.post(f"/files/{attachment.id}/delete")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/challenges/proposals/{proposal.id}"
    assert db.session.scalar(sa.select(sa.func.count(Attachment.id))) == 0
    assert "附件已删除" in client.get(response.headers["Location"]).text


def test_after_the_deadline_or_for_others_the_file_stays(
    app, client, db, login, cast, call
):
    proposal, attachment = _with_file(client, db, login, cast, call)
    # The sponsor sees the file but may not remove it.
    sponsor = app.test_client()
    login(cast.sponsor, c=sponsor)
    page = sponsor.get(f"/challenges/proposals/{proposal.id}").text
    assert "方案.pdf" in page and "/delete" not in page
    assert sponsor.post(f"/files/{attachment.id}/delete").status_code == 403
    past_deadline(db, call)
    page = client.get(f"/challenges/proposals/{proposal.id}").text
    assert "方案.pdf" in page and "/delete" not in page
    assert client.post(f"/files/{attachment.id}/delete").status_code == 403
    assert db.session.scalar(sa.select(sa.func.count(Attachment.id))) == 1
