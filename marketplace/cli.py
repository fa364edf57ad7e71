"""Registers the project's `flask` commands (stable names used by checks and docs)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    pass
