"""Fixtures: the playground in a subprocess, and Debian's Chromium driving its page."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from browser_support import (
    ARTIFACTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    DESKTOP,
    PlaygroundProcess,
    api,
)
from playwright.sync_api import BrowserContext, Page, Playwright, sync_playwright


@pytest.fixture(scope="session")
def playground(
    tmp_path_factory: pytest.TempPathFactory, media_dir: Path
) -> Iterator[PlaygroundProcess]:
    process = PlaygroundProcess(tmp_path_factory.mktemp("playground"), media_dir)
    process.start()
    yield process
    status = process.stop()
    log = process.log_text()
    assert status == 0, log
    assert "Traceback" not in log, log


# Module scope, not session: sync Playwright keeps an event loop running in this thread while
# it is open, and asyncio tests elsewhere in the run cannot start theirs until it is closed.
@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            raise AssertionError(f"{CHROMIUM} is missing: run tests/setup/install-chromium.sh")
        pytest.skip(f"{CHROMIUM} is missing: run tests/setup/install-chromium.sh")
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="module")
def browser_context(
    playwright: Playwright, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[BrowserContext]:
    """Debian's Chromium with a fresh profile; never a browser Playwright downloads."""
    context = playwright.chromium.launch_persistent_context(
        str(tmp_path_factory.mktemp("chromium-profile")),
        executable_path=str(CHROMIUM),
        headless=True,
        args=CHROMIUM_ARGS,
        viewport=DESKTOP,
        locale="vi-VN",
    )
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def customer_name(playground: PlaygroundProcess) -> str:
    """A new Vietnamese customer who has not talked to the bot yet; their full name."""
    user = api(playground.url, "/api/customer", {"language": "vi"})["customer"]
    assert isinstance(user, dict)
    return f"{user['first_name']} {user['last_name']}"


@pytest.fixture
def page(
    browser_context: BrowserContext, playground: PlaygroundProcess, customer_name: str
) -> Iterator[Page]:
    """The playground page showing that customer's empty chat."""
    page = browser_context.new_page()
    page.goto(playground.url + "/")
    page.wait_for_selector("body[data-ready=true] #pane-customer .start-bar:not([hidden])")
    yield page
    page.close()


@pytest.fixture
def shot(request: pytest.FixtureRequest) -> Callable[[Page, str], None]:
    """``shot(page, "step")`` saves tests/artifacts/browser/<test>/NN-step.png."""
    folder = ARTIFACTS / request.node.name
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.png"):
        old.unlink()
    count = 0

    def take(page: Page, name: str) -> None:
        nonlocal count
        count += 1
        page.screenshot(path=str(folder / f"{count:02d}-{name}.png"))

    return take
