"""The evaluation tests share the contracts tests' people and real deal."""

from tests.contracts.conftest import (  # noqa: F401
    IsolatedClient,
    client_for,
    deal,
    people,
)
