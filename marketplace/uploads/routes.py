"""Stub routes; replaced by the uploads feature."""
from . import bp

@bp.route("/<int:attachment_id>")
def download(attachment_id): return "file"
