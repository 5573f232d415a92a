"""Fixtures for the bad-input and fault catalog; the helpers live in ``_adv.py``."""

from __future__ import annotations

from pathlib import Path

import pytest
from _adv import GOOD


@pytest.fixture
def good(tmp_path: Path) -> Path:
    path = tmp_path / "in" / "good.txt"
    path.parent.mkdir(exist_ok=True)
    path.write_text(GOOD, encoding="utf-8")
    return path
