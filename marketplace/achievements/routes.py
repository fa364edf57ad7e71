"""Stub routes; replaced by the achievements feature."""
from . import bp

@bp.route("/")
def index(): return "index"
@bp.route("/<int:achievement_id>")
def detail(achievement_id): return "detail"
