"""Who may open a payment request: its payer, payee, the deal's broker, the operator."""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from ..extensions import db
from .models import PaymentRequest


def visible_request(request_id: int) -> PaymentRequest:
    """The request if the user is its payer, payee, broker or the operator; else 404."""
    req = db.get_or_404(PaymentRequest, request_id)
    if not req.can_view(current_user):
        abort(404)
    return req
