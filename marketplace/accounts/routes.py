"""Signing up, in and out, and setting passwords (the profile pages are in pages.py)."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from ..core.transaction import Write, form_status, submit
from ..core.web import safe_next
from ..extensions import limiter
from . import bp, services, sessions, throttle, tokens
from .forms import (
    ChangePasswordForm,
    ForgotPasswordForm,
    LoginForm,
    RegisterForm,
    ResetPasswordForm,
)
from .sessions import client_ip


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/login", methods=["GET", "POST"])
@throttle.failures_per_address
@throttle.failures_per_account
def login():
    if current_user.is_authenticated:
        return redirect(url_for("pages.home"))
    form = LoginForm()
    if form.validate_on_submit():
        with Write(form) as write:
            user = services.sign_in(
                form.email.data,
                form.password.data,
                request.user_agent.string,
                client_ip(),
            )
        if write.ok:
            login_user(user, remember=form.remember.data)
            return redirect(safe_next(request.args.get("next"), url_for("pages.home")))
    # A refused sign-in is a 422, which the throttle counts as a failure.
    return render_template("accounts/login.html", form=form), form_status(form)


@bp.route("/logout", methods=["POST"])
def logout():
    # Ended on the server, so a copy of the cookie signs nobody in any more.
    if current_user.is_authenticated and (row := sessions.current()) is not None:
        with Write():
            sessions.end(row)
    logout_user()
    flash(_("您已退出登录。"), "info")
    return redirect(url_for("pages.home"))


@bp.route("/register", methods=["GET", "POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("accounts.workspace"))
    form = RegisterForm()
    if form.validate_on_submit():
        with Write(form) as write:
            user = services.register(
                org_type=form.org_type.data,
                org_name=form.org_name.data,
                credit_code=form.credit_code.data,
                address=form.address.data,
                contact_name=form.contact_name.data,
                contact_phone=form.contact_phone.data,
                state_funded=form.state_funded.data,
                name=form.name.data,
                email=form.email.data,
                password=form.password.data,
                user_agent=request.user_agent.string,
                ip=client_ip(),
            )
        if write.ok:
            login_user(user)
            flash(_("注册成功。机构资料待运营方审核，审核通过后即可发布。"), "success")
            return redirect(url_for("accounts.workspace"))
    return render_template("accounts/register.html", form=form), form_status(form)


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    return submit(
        form,
        lambda: services.change_password(
            current_user,
            form.current_password.data,
            form.password.data,
            keep=sessions.current(),
        ),
        _("密码已修改。"),
        url_for("accounts.profile"),
        lambda: (
            render_template("accounts/change_password.html", form=form),
            form_status(form),
        ),
    )


@bp.route("/forgot", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    # The reset mail is queued; it leaves after the commit. The same answer either
    # way, so the page does not tell who has an account.
    return submit(
        form,
        lambda: services.request_password_reset(form.email.data),
        _("如果该邮箱已注册，我们已向它发送了重置密码的链接，请查收邮件。"),
        url_for("accounts.login"),
        lambda: (
            render_template("accounts/forgot_password.html", form=form),
            form_status(form),
        ),
        category="info",
    )


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    try:
        user, purpose = tokens.load_token(token)
    except tokens.TokenError as exc:
        return render_template("accounts/reset_invalid.html", expired=exc.expired), 400
    form = ResetPasswordForm()
    if form.validate_on_submit():
        with Write(form) as write:
            services.set_password(user, form.password.data)
        if write.ok:
            if current_user.is_authenticated:
                logout_user()
            flash(_("密码已设置，请使用新密码登录。"), "success")
            return redirect(url_for("accounts.login"))
    return render_template(
        "accounts/reset_password.html", form=form, user=user, purpose=purpose
    ), form_status(form)


from . import pages, routes_sessions  # noqa: E402,F401  (profile, workspace, sessions)
