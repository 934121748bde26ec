"""What a full catalog load frees goes back to the system (bench/memory.py weighs it)."""

import platform

import pytest

from bot import heap
from catalog import events
from catalog.events import ShopEvent


def test_the_free_pages_go_back_after_each_full_catalog_load(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    trimmed: list[int] = []
    monkeypatch.setattr(heap, "_malloc_trim", lambda: trimmed.append)
    heap.give_back_after_catalog_loads()
    try:
        events.tell(ShopEvent.catalog_refreshed)  # a few products: nothing much was freed
        assert trimmed == []
        events.tell(ShopEvent.catalog_loaded)
        events.tell(ShopEvent.catalog_loaded)
        assert trimmed == [0, 0]
    finally:
        events.unlisten(heap._after)


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="malloc_trim is glibc's")
def test_glibc_takes_the_free_pages_back() -> None:
    assert heap.give_back_freed_memory()


def test_without_malloc_trim_nothing_happens(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(heap, "_malloc_trim", lambda: None)
    assert not heap.give_back_freed_memory()
