"""The contracts feature: technical contracts of deals, signing, documents, registration."""

from flask import Blueprint

bp = Blueprint("contracts", __name__)

from ..deals import questions  # noqa: E402
from . import (  # noqa: E402,F401
    routes,
    routes_registration,
    rules,  # noqa: E402
)

# The deal guards and the deal room ask these (deals/questions.py).
questions.answer("contract_fully_signed", rules.contract_fully_signed)
questions.answer("registration_recorded", rules.registration_recorded)
questions.answer("contract_of", rules.contract_of)
