"""Finding a product by its SKU or a producer by its code in the catalog snapshot."""

from __future__ import annotations

from catalog.snapshot import CatalogSnapshot, ProducerView, ProductView


def find_product(snapshot: CatalogSnapshot, sku: str) -> ProductView | None:
    """The product with this SKU (letter case ignored), hidden or not."""
    wanted = sku.casefold()
    return next((p for p in snapshot.products.values() if p.sku.casefold() == wanted), None)


def find_producer(snapshot: CatalogSnapshot, code: str) -> ProducerView | None:
    wanted = code.casefold()
    return next((p for p in snapshot.producers.values() if p.code.casefold() == wanted), None)
