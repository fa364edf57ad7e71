"""Files attached to a need are private like the firm's own words."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa

from marketplace.listings.lifecycle import NeedStatus
from marketplace.uploads.models import Attachment

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def upload(c, need, data=PDF, name="检测报告.pdf"):
    return c.post(
        f"/needs/{need.id}/upload",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def test_firm_uploads_and_only_firm_and_staff_download(
    db, firm, other_firm, supplier, broker, create_need, client_for
):
    need = create_need(org=firm.organization)
    firm_c = client_for(firm)
    assert upload(firm_c, need).status_code == 302
    attachment = db.session.scalars(sa.select(Attachment)).one()
    assert attachment.owner_type == "need" and attachment.confidential
    assert "检测报告.pdf" in firm_c.get(f"/needs/{need.id}").get_data(as_text=True)
    url = f"/files/{attachment.id}"
    assert firm_c.get(url).data == PDF
    assert client_for(broker).get(url).status_code == 200
    for outsider in (None, other_firm, supplier):
        c = client_for(outsider)
        assert c.get(url).status_code == 404
        assert "检测报告.pdf" not in c.get(f"/needs/{need.id}").get_data(as_text=True)


@pytest.mark.parametrize(
    "data, name",
    [(b"MZ\x90\x00 not a pdf", "报告.pdf"), (b"", "空.pdf"), (PDF, "脚本.exe")],
)
def test_bad_files_are_refused_and_nothing_saved(
    db, firm, create_need, client_for, data, name
):
    need = create_need(org=firm.organization, status=NeedStatus.DRAFT)
    assert upload(client_for(firm), need, data, name).status_code == 422
    assert db.session.scalars(sa.select(Attachment)).all() == []


def test_oversized_upload_is_413(app, db, firm, create_need, client_for):
    need = create_need(org=firm.organization, status=NeedStatus.DRAFT)
    saved = app.config["MAX_UPLOAD_BYTES"]
    app.config["MAX_UPLOAD_BYTES"] = 100
    try:
        assert upload(client_for(firm), need, PDF + b"x" * 200).status_code == 413
    finally:
        app.config["MAX_UPLOAD_BYTES"] = saved
    assert db.session.scalars(sa.select(Attachment)).all() == []


def test_oversized_upload_says_the_limit_next_to_the_upload_form(
    app, db, firm, create_need, client_for
):
    # The need's page again, with the limit, like the achievement's (it was a bare 413).
    need = create_need(org=firm.organization, status=NeedStatus.DRAFT)
    saved = app.config["MAX_UPLOAD_BYTES"]
    app.config["MAX_UPLOAD_BYTES"] = 1024 * 1024
    try:
        response = upload(client_for(firm), need, PDF + b"x" * (1024 * 1024))
    finally:
        app.config["MAX_UPLOAD_BYTES"] = saved
    assert response.status_code == 413
    html = response.get_data(as_text=True)
    assert "不能超过 1 MB" in html and need.title in html
    assert db.session.scalars(sa.select(Attachment)).all() == []


def test_outsiders_cannot_upload(
    db, firm, other_firm, supplier, create_need, client_for
):
    private = create_need(org=firm.organization, status=NeedStatus.SUBMITTED)
    public = create_need(org=firm.organization)
    assert upload(client_for(other_firm), private).status_code == 404
    assert upload(client_for(supplier), public).status_code == 403
    assert db.session.scalars(sa.select(Attachment)).all() == []


def test_firm_deletes_its_attachment(db, firm, create_need, client_for):
    need = create_need(org=firm.organization, status=NeedStatus.DRAFT)
    c = client_for(firm)
    upload(c, need)
    attachment = db.session.scalars(sa.select(Attachment)).one()
    assert c.post(f"/files/{attachment.id}/delete").status_code == 302
    assert db.session.scalars(sa.select(Attachment)).all() == []
