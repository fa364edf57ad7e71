"""Accepting uploads: content type from the bytes, size limits, random storage."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from marketplace.accounts.models import Role
from marketplace.listings.lifecycle import ListingStatus
from marketplace.uploads.models import Attachment

from .conftest import EXE, HTML, JPEG, OLE2, PDF, PNG, office_zip, upload


def _attachments(db) -> list[Attachment]:
    return list(db.session.scalars(sa.select(Attachment)))


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("检测报告.pdf", PDF, "application/pdf"),
        ("样品照片.PNG", PNG, "image/png"),
        ("photo.jpeg", JPEG, "image/jpeg"),
        (
            "工艺说明.docx",
            office_zip("word"),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            "数据.xlsx",
            office_zip("xl"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        ("旧文档.doc", OLE2, "application/msword"),
    ],
)
def test_good_files_are_accepted(
    app, client, login, owner_and_draft, db, name, data, content_type
):
    owner, a = owner_and_draft
    login(owner)
    response = upload(client, a, name, data)
    assert response.status_code == 302
    (att,) = _attachments(db)
    assert att.filename == name and att.content_type == content_type
    assert (
        att.size == len(data)
        and att.owner_type == "achievement"
        and att.owner_id == a.id
    )
    assert att.uploaded_by_id == owner.id


def test_stored_under_random_name_outside_static(
    app, client, login, owner_and_draft, db
):
    owner, a = owner_and_draft
    login(owner)
    upload(client, a, "../../static/evil.pdf", PDF)
    (att,) = _attachments(db)
    assert att.filename == "evil.pdf"
    assert re.fullmatch(r"[0-9a-f]{32}", att.stored_name)
    path = Path(app.config["UPLOAD_DIR"]) / att.stored_name
    assert path.read_bytes() == PDF
    static = Path(app.static_folder).resolve()
    assert static not in path.resolve().parents
    assert not list(static.rglob(att.stored_name))


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("report.pdf", EXE, "不符"),
        ("report.pdf", HTML, "不符"),
        ("image.png", PDF, "不符"),
        ("document.docx", office_zip("word", with_types=False), "不符"),
        ("document.docx", office_zip("xl"), "不符"),
        ("archive.zip", office_zip("word"), "不支持此文件类型"),
        ("setup.exe", EXE, "不支持此文件类型"),
        ("page.html", HTML, "不支持此文件类型"),
        ("noextension", PDF, "不支持此文件类型"),
        ("empty.pdf", b"", "文件是空的"),
    ],
)
def test_files_whose_bytes_do_not_match_are_rejected(
    client, login, owner_and_draft, db, name, data, message
):
    owner, a = owner_and_draft
    login(owner)
    response = upload(client, a, name, data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _attachments(db) == []


def test_missing_file_is_422(client, login, owner_and_draft, db):
    owner, a = owner_and_draft
    login(owner)
    response = client.post(
        f"/achievements/{a.id}/upload", data={}, content_type="multipart/form-data"
    )
    assert response.status_code == 422 and "请选择要上传的文件" in response.get_data(
        as_text=True
    )


def test_file_over_the_configured_limit_is_413(app, client, login, owner_and_draft, db):
    owner, a = owner_and_draft
    login(owner)
    stored_before = len(list(Path(app.config["UPLOAD_DIR"]).iterdir()))
    saved = app.config["MAX_UPLOAD_BYTES"]
    app.config["MAX_UPLOAD_BYTES"] = 1024 * 1024
    try:
        response = upload(client, a, "big.pdf", PDF + b"0" * (1024 * 1024))
    finally:
        app.config["MAX_UPLOAD_BYTES"] = saved
    assert response.status_code == 413
    assert "不能超过 1 MB" in response.get_data(as_text=True)
    assert _attachments(db) == []
    assert len(list(Path(app.config["UPLOAD_DIR"]).iterdir())) == stored_before


def test_request_over_max_content_length_is_413(
    app, client, login, owner_and_draft, db
):
    owner, a = owner_and_draft
    login(owner)
    saved = app.config["MAX_CONTENT_LENGTH"]
    app.config["MAX_CONTENT_LENGTH"] = 2048
    try:
        response = upload(client, a, "big.pdf", PDF + b"0" * 4096)
    finally:
        app.config["MAX_CONTENT_LENGTH"] = saved
    assert response.status_code == 413
    assert "上传的文件过大" in response.get_data(as_text=True)
    assert _attachments(db) == []


@pytest.mark.parametrize(
    ("status", "viewer", "expected"),
    [
        (ListingStatus.DRAFT, "firm", 404),
        (ListingStatus.DRAFT, "other_supplier", 404),
        (ListingStatus.PUBLISHED, "firm", 403),
        (ListingStatus.PUBLISHED, "owner", 403),  # not editable once published
        (ListingStatus.IN_REVIEW, "owner", 403),
    ],
)
def test_only_owner_uploads_to_editable_achievement(
    client,
    login,
    create_org,
    create_user,
    create_achievement,
    db,
    status,
    viewer,
    expected,
):
    from marketplace.accounts.models import OrgType

    org = create_org(type=OrgType.UNIVERSITY)
    users = {
        "owner": create_user(role=Role.SUPPLIER, org=org),
        "firm": create_user(role=Role.FIRM),
        "other_supplier": create_user(role=Role.SUPPLIER),
    }
    a = create_achievement(org=org, status=status)
    login(users[viewer])
    assert upload(client, a, "a.pdf", PDF).status_code == expected
    assert _attachments(db) == []
