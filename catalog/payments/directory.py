"""Which producer is told of its transfers by which provider, with which keys, and where
the providers' APIs are: built once from the configuration (bot.toml or the environment,
``[payments.producers.CODE]``), never stored in the database."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta

from catalog import rules
from catalog.models import PaymentProvider

SEPAY_API = "https://userapi.sepay.vn"
CASSO_API = "https://oauth.casso.vn"
PAYOS_API = "https://api-merchant.payos.vn"


@dataclass(frozen=True, slots=True)
class ProducerKeys:
    """A producer's notification service and its secrets (each provider uses its own)."""

    provider: PaymentProvider
    # SePay's webhook: ``Authorization: Apikey …`` or an HMAC secret (``whsec_…``); its
    # API v2 token reads the transactions (reconciliation).
    sepay_api_key: str = field(default="", repr=False)
    sepay_hmac_secret: str = field(default="", repr=False)
    sepay_api_token: str = field(default="", repr=False)
    # Casso's webhook v2 "security key", and its API key for the transactions.
    casso_checksum_key: str = field(default="", repr=False)
    casso_api_key: str = field(default="", repr=False)
    # payOS's three keys: client id and API key for its API, checksum key for signatures.
    payos_client_id: str = ""
    payos_api_key: str = field(default="", repr=False)
    payos_checksum_key: str = field(default="", repr=False)

    def can_authenticate(self) -> bool:
        """Whether a notification can be checked at all (one is never taken on trust)."""
        if self.provider == PaymentProvider.sepay:
            return bool(self.sepay_api_key or self.sepay_hmac_secret)
        if self.provider == PaymentProvider.casso:
            return bool(self.casso_checksum_key)
        return bool(self.payos_checksum_key)


@dataclass(frozen=True, slots=True)
class PaymentsDirectory:
    producers: Mapping[str, ProducerKeys] = field(default_factory=dict)  # by producer code
    sepay_api: str = SEPAY_API
    casso_api: str = CASSO_API
    payos_api: str = PAYOS_API
    # payOS requires a returnUrl and a cancelUrl with each link: where its checkout page
    # sends the customer back (the shop's bot link, say).
    return_url: str = ""
    # An unpaid bank-transfer order is cancelled after this long.
    window: timedelta = rules.DEFAULT_PAYMENT_WINDOW

    def keys(self, producer_code: str) -> ProducerKeys | None:
        return self.producers.get(producer_code)

    def using(self, provider: PaymentProvider) -> dict[str, ProducerKeys]:
        """The producers on ``provider``, by code."""
        return {code: keys for code, keys in self.producers.items() if keys.provider == provider}
