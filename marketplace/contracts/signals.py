"""Signals the contracts package sends, so the features above it react without contracts
importing them.

- `contract_signed`: sender = the Contract whose latest version both sides have just
  signed; kwargs `version` (that ContractVersion) and `actor` (the User whose signature
  completed the pair). Sent inside `services.sign`, after the deal's `sign_contract`
  action and before the route commits: a receiver flushes, never commits.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

contract_signed = _signals.signal("contract-signed")
