from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
SEED = DATA / "seeds" / "000_59ef3454e874c2d8.txt"


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return DATA


@pytest.fixture(scope="session")
def seed_path() -> Path:
    return SEED


@pytest.fixture(scope="session")
def nlp():
    """The trained English pipeline with graphbuild's components, loaded once per test session."""
    from graphbuild.nlp import load_pipeline

    return load_pipeline()
