"""Kept for `python -m reportqa` and old scripts: the command lives in app/cli.py."""
from app.cli import main  # noqa: F401
