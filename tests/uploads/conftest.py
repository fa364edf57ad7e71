"""Sample files for upload tests, built in memory with the bytes real files start with."""

from __future__ import annotations

import io
import zipfile

import pytest

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + b"\x00" * 32
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64
HTML = b"<!doctype html><html><script>alert(document.cookie)</script></html>"
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64


def office_zip(folder: str, with_types: bool = True) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        if with_types:
            zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr(f"{folder}/document.xml", "<doc/>")
    return buf.getvalue()


def upload(client, achievement, name: str, data: bytes, confidential: bool = False):
    form = {"file": (io.BytesIO(data), name)}
    if confidential:
        form["confidential"] = "y"
    return client.post(
        f"/achievements/{achievement.id}/upload",
        data=form,
        content_type="multipart/form-data",
    )


@pytest.fixture
def owner_and_draft(create_org, create_user, create_achievement):
    from marketplace.accounts.models import OrgType, Role
    from marketplace.listings.lifecycle import ListingStatus

    org = create_org(type=OrgType.UNIVERSITY)
    owner = create_user(role=Role.SUPPLIER, org=org)
    return owner, create_achievement(org=org, status=ListingStatus.DRAFT)
