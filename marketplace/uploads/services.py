"""Storing, checking and permission-testing attachments; files live outside the web root."""

from __future__ import annotations

import io
import os
import re
import secrets
import zipfile
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from ..core.errors import PermissionDenied, ServiceError, ValidationFailed
from ..extensions import db
from .models import Attachment

#: owner_type → callable(user, attachment) -> bool: may `user` download the file?
#: Each feature registers its own rule (achievements: "achievement", needs: "need").
OWNER_RULES: dict[str, Callable] = {}
#: owner_type → callable(user, attachment) -> bool: may `user` remove the file?
DELETE_RULES: dict[str, Callable] = {}
#: owner_type → callable(attachment) -> str: the page of the file's owner, where the
#: user goes back to after removing it.
OWNER_URLS: dict[str, Callable] = {}

#: Extension → the kind of bytes it must contain, and the MIME type we serve it as.
EXTENSIONS: dict[str, tuple[str, str]] = {
    "pdf": ("pdf", "application/pdf"),
    "png": ("png", "image/png"),
    "jpg": ("jpeg", "image/jpeg"),
    "jpeg": ("jpeg", "image/jpeg"),
    "gif": ("gif", "image/gif"),
    "webp": ("webp", "image/webp"),
    "doc": ("ole2", "application/msword"),
    "xls": ("ole2", "application/vnd.ms-excel"),
    "ppt": ("ole2", "application/vnd.ms-powerpoint"),
    "docx": (
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "xlsx": (
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    "pptx": (
        "pptx",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
}
ALLOWED_LABEL = "PDF, PNG, JPG, GIF, WEBP, DOC(X), XLS(X), PPT(X)"
_OOXML_DIRS = {"word/": "docx", "xl/": "xlsx", "ppt/": "pptx"}
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")


class UploadTooLarge(ServiceError):
    """The file is over MAX_UPLOAD_BYTES; routes answer 413."""


def register_owner_rule(
    owner_type: str,
    can_download: Callable,
    can_delete: Callable | None = None,
    owner_url: Callable | None = None,
) -> None:
    """Let a feature decide who may download (and delete) the files of its objects,
    and which page shows them (`owner_url(attachment)`)."""
    OWNER_RULES[owner_type] = can_download
    if can_delete is not None:
        DELETE_RULES[owner_type] = can_delete
    if owner_url is not None:
        OWNER_URLS[owner_type] = owner_url


def sniff(data: bytes) -> str | None:
    """The kind of file these bytes are (a key of EXTENSIONS' first column), or None."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole2"
    if data.startswith(b"PK\x03\x04"):
        return _ooxml_kind(data)
    return None


def _ooxml_kind(data: bytes) -> str | None:
    # Any ZIP starts with PK; an Office file is a ZIP with this part list and folder.
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = zf.namelist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    for prefix, kind in _OOXML_DIRS.items():
        if any(n.startswith(prefix) for n in names):
            return kind
    return None


def clean_filename(name: str | None) -> str:
    """The uploader's file name without folders or control characters, for display."""
    base = os.path.basename((name or "").replace("\\", "/"))
    base = _CONTROL_RE.sub("", base).strip().strip(".")
    if len(base) > 255:
        stem, dot, ext = base.rpartition(".")
        base = (stem[: 250 - len(ext)] + dot + ext) if dot else base[:255]
    return base


def upload_dir() -> Path:
    path = Path(current_app.config["UPLOAD_DIR"])
    path.mkdir(parents=True, exist_ok=True)
    return path


def stored_path(attachment: Attachment) -> Path:
    return upload_dir() / attachment.stored_name


def save_upload(
    file_storage, owner_type: str, owner_id: int, actor, confidential: bool = False
) -> Attachment:
    """Check a file's size and bytes, store it under a random name, add its Attachment row.

    Raises UploadTooLarge over MAX_UPLOAD_BYTES and ValidationFailed("file", …) when the
    bytes are not an accepted type or do not agree with the file name's extension.
    """
    limit = current_app.config["MAX_UPLOAD_BYTES"]
    filename = clean_filename(getattr(file_storage, "filename", None))
    if not filename:
        raise ValidationFailed([("file", _("请选择要上传的文件。"))])
    data = file_storage.stream.read(limit + 1)
    if len(data) > limit:
        raise UploadTooLarge(
            _("上传的文件过大，单个文件不能超过 %(mb)s MB。", mb=limit // (1024 * 1024))
        )
    if not data:
        raise ValidationFailed([("file", _("文件是空的，请重新选择。"))])
    ext = filename.rpartition(".")[2].lower() if "." in filename else ""
    if ext not in EXTENSIONS:
        raise ValidationFailed(
            [("file", _("不支持此文件类型，仅接受 %(types)s。", types=ALLOWED_LABEL))]
        )
    expected, content_type = EXTENSIONS[ext]
    actual = sniff(data)
    if actual != expected:
        raise ValidationFailed(
            [
                (
                    "file",
                    _(
                        "文件内容与扩展名 .%(ext)s 不符，可能已损坏或被改名，未予接收。",
                        ext=ext,
                    ),
                )
            ]
        )
    stored_name = secrets.token_hex(16)
    path = upload_dir() / stored_name
    # "x": never overwrite; 0o600: the web server's static handler could not serve it anyway.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    attachment = Attachment(
        owner_type=owner_type,
        owner_id=owner_id,
        filename=filename,
        stored_name=stored_name,
        content_type=content_type,
        size=len(data),
        confidential=confidential,
        uploaded_by_id=getattr(actor, "id", None),
    )
    db.session.add(attachment)
    db.session.flush()
    return attachment


def can_download(user, attachment: Attachment) -> bool:
    rule = OWNER_RULES.get(attachment.owner_type)
    return bool(rule and rule(user, attachment))


def can_delete(user, attachment: Attachment) -> bool:
    rule = DELETE_RULES.get(attachment.owner_type)
    return bool(rule and rule(user, attachment))


def delete_upload(attachment: Attachment, actor) -> str:
    """Remove the Attachment row; returns the stored name for the route to unlink after commit."""
    if not can_delete(actor, attachment):
        raise PermissionDenied(_("您无权删除此附件。"))
    stored_name = attachment.stored_name
    db.session.delete(attachment)
    db.session.flush()
    return stored_name


def remove_stored_file(stored_name: str) -> None:
    """Unlink a stored file once its row is gone for good (called after the commit)."""
    (upload_dir() / stored_name).unlink(missing_ok=True)


def attachments_of(owner_type: str, owner_id: int) -> list[Attachment]:
    return list(
        db.session.scalars(
            sa.select(Attachment)
            .where(Attachment.owner_type == owner_type, Attachment.owner_id == owner_id)
            .order_by(Attachment.id)
        )
    )
