"""Where the app's files are: the package, the checkout it runs from, or the copies a wheel carries."""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
ROOT = PACKAGE.parent  # the repository root, when the app runs from a checkout
# templates/, migrations/ and config/ sit at the repository root; a wheel carries copies of them in the package
# (setup.py), and an app installed from one reads those.
BUNDLE = PACKAGE / "_bundle"
FILES = BUNDLE if BUNDLE.is_dir() else ROOT
