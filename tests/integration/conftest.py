"""Fixtures for tests of the shop's services against a real database."""

from __future__ import annotations

from pathlib import Path

import pytest

from catalog.demo.seed import seed_demo_catalog
from catalog.uow import UnitOfWork


@pytest.fixture
async def shop(uow: UnitOfWork, media_dir: Path) -> UnitOfWork:
    """The unit of work on a database holding the demo catalog."""
    await seed_demo_catalog(uow, media_dir)
    return uow
