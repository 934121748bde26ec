"""What a product says about itself — names, descriptions, units, price, stock, OCOP rating,
whether it is on sale — carried alike by the in-memory catalog and by spreadsheet rows."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from typing import Any

from catalog.text import Described, Measured, Named


@dataclass(frozen=True, slots=True)
class ProductFacts(Named, Described, Measured):
    name_vi: str
    name_en: str
    description_vi: str
    description_en: str
    unit_vi: str
    unit_en: str
    price: int
    stock: int
    ocop_stars: int
    ocop_granted: date  # the day the OCOP certificate was granted (1 January: the year alone)
    active: bool

    @property
    def ocop_year(self) -> int:
        return self.ocop_granted.year


# The names of the facts: the same attributes on a products row (catalog.models.Product).
FACT_NAMES: tuple[str, ...] = tuple(f.name for f in fields(ProductFacts))


def facts_of(source: object) -> dict[str, Any]:
    """The facts of anything that has them as attributes (a database row, a view)."""
    return {name: getattr(source, name) for name in FACT_NAMES}
