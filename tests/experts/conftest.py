"""The experts tests share the challenges tests' cast (a call, its panel, solvers)."""

from tests.challenges.conftest import call, cast  # noqa: F401
