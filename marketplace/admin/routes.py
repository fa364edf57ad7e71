"""Stub routes; replaced by the admin feature."""
from . import bp

@bp.route("/")
def index(): return "admin"
