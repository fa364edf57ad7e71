"""Who may open a payment request: its payer, payee, the deal's broker, the operator."""

from __future__ import annotations

from ..core.web import visible_or_404
from .models import PaymentRequest


def visible_request(request_id: int) -> PaymentRequest:
    """The request if the user is its payer, payee, broker or the operator; else 404."""
    return visible_or_404(PaymentRequest, request_id)
