"""Experts and panels: invited outside reviewers, panels for calls and evaluations (issue 16)."""
