"""Stub routes; replaced by the needs feature."""
from . import bp

@bp.route("/")
def index(): return "index"
@bp.route("/<int:need_id>")
def detail(need_id): return "detail"
@bp.route("/queue")
def translation_queue(): return "queue"
