"""Stub routes; replaced by the accounts feature."""
from flask import render_template_string
from . import bp

@bp.route("/login")
def login(): return "login"
@bp.route("/logout", methods=["POST"])
def logout(): return "logout"
@bp.route("/register")
def register(): return "register"
@bp.route("/profile")
def profile(): return "profile"
@bp.route("/workspace")
def workspace(): return "workspace"
