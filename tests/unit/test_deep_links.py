"""Deep-link payloads: within Telegram's rules, and read back to the same link."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from catalog.links import (
    PAYLOAD_PATTERN,
    DeepLink,
    LinkSource,
    LinkTarget,
    deep_link_url,
    parse_payload,
    producer_link,
    product_link,
)

KEYS = st.text(
    alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-",
    min_size=1,
    max_size=32,
)


def test_a_product_link_is_readable_and_opens_the_bot() -> None:
    link = product_link("BABE-SA-10", LinkSource.poster)
    assert link.payload == "po_BABE-SA-10"
    assert link.url("ocop_shop_bot") == "https://t.me/ocop_shop_bot?start=po_BABE-SA-10"
    assert producer_link("BABE", LinkSource.producer).payload == "ss_BABE"
    assert product_link("X_1", LinkSource.share).payload == "pf_X_1"


def test_a_sku_with_a_dot_travels_in_base64url() -> None:
    link = product_link("TRA.SEN-1", LinkSource.product)
    assert link.payload == "pp-VFJBLlNFTi0x"
    assert parse_payload(link.payload) == link


@given(key=KEYS, target=st.sampled_from(LinkTarget), source=st.sampled_from(LinkSource))
def test_every_link_fits_telegrams_rules_and_reads_back(
    key: str, target: LinkTarget, source: LinkSource
) -> None:
    link = DeepLink(target, key, source)
    assert PAYLOAD_PATTERN.fullmatch(link.payload)
    assert len(link.payload) <= 64
    assert parse_payload(link.payload) == link


@pytest.mark.parametrize(
    "payload",
    [None, "", "p", "pp_", "xx_BABE", "pz_BABE", "pp+BABE", "pp-!!!", "pp-/w", "hello world"],
)
def test_anything_else_is_no_link(payload: str | None) -> None:
    assert parse_payload(payload) is None


def test_keys_and_usernames_are_checked() -> None:
    with pytest.raises(ValueError, match="not a SKU"):
        product_link("gốm", LinkSource.product)
    with pytest.raises(ValueError, match="not a Telegram username"):
        deep_link_url("a b", "pp_X")
    with pytest.raises(ValueError, match="not a valid start payload"):
        deep_link_url("ocop_shop_bot", "x" * 65)
