"""``[payments]``: the receiver of bank notifications, the time a transfer order has to be
paid, the jobs beside them, and each producer's provider and keys (from ``bot.toml`` or,
better, the environment: ``PAYMENTS_<CODE>_<KEY>``)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import timedelta
from typing import Annotated, Any

from pydantic import Field, field_validator, model_validator

from bot.config.fields import Section, base_url_check
from catalog import rules
from catalog.models import PaymentProvider
from catalog.payments.directory import (
    CASSO_API,
    PAYOS_API,
    SEPAY_API,
    PaymentsDirectory,
    ProducerKeys,
)


class ProducerPayments(Section):
    """``[payments.producers.CODE]``: the producer's notification service and its keys."""

    provider: PaymentProvider
    sepay_api_key: str = Field(default="", repr=False)
    sepay_hmac_secret: str = Field(default="", repr=False)
    sepay_api_token: str = Field(default="", repr=False)
    casso_checksum_key: str = Field(default="", repr=False)
    casso_api_key: str = Field(default="", repr=False)
    payos_client_id: str = ""
    payos_api_key: str = Field(default="", repr=False)
    payos_checksum_key: str = Field(default="", repr=False)

    @model_validator(mode="after")
    def _keys_of_its_provider(self) -> ProducerPayments:
        if self.provider == PaymentProvider.sepay and not (
            self.sepay_api_key or self.sepay_hmac_secret
        ):
            raise ValueError("SePay needs sepay_api_key or sepay_hmac_secret (its webhook's)")
        if self.provider == PaymentProvider.casso and not self.casso_checksum_key:
            raise ValueError("Casso needs casso_checksum_key (webhook v2's security key)")
        if self.provider == PaymentProvider.payos and not (
            self.payos_client_id and self.payos_api_key and self.payos_checksum_key
        ):
            raise ValueError("payOS needs payos_client_id, payos_api_key and payos_checksum_key")
        return self

    def keys(self) -> ProducerKeys:
        return ProducerKeys(**self.model_dump())


class PaymentsSettings(Section):
    # The receiver of the providers' notifications; port 0: none in this process.
    webhook_host: str = "127.0.0.1"
    webhook_port: int = Field(default=8083, ge=0, le=65535)
    expire_after_hours: float = Field(default=24.0, gt=0, le=24 * 31)
    check_seconds: float = Field(default=30.0, gt=0)
    reconcile_minutes: float = Field(default=15.0, ge=0)
    reconcile_hours: float = Field(default=48.0, gt=0)
    sepay_api_base: Annotated[str, base_url_check] = SEPAY_API
    casso_api_base: Annotated[str, base_url_check] = CASSO_API
    payos_api_base: Annotated[str, base_url_check] = PAYOS_API
    return_url: Annotated[str, base_url_check] = "https://t.me"
    producers: dict[str, ProducerPayments] = Field(default_factory=dict)

    @field_validator("producers")
    @classmethod
    def _check_codes(cls, value: dict[str, ProducerPayments]) -> dict[str, ProducerPayments]:
        for code in value:
            if not rules.is_producer_code(code):
                raise ValueError(f"{code!r} is not a producer code (2-12 capitals and digits)")
        return value

    def directory(self) -> PaymentsDirectory:
        return PaymentsDirectory(
            producers={code: settings.keys() for code, settings in self.producers.items()},
            sepay_api=self.sepay_api_base,
            casso_api=self.casso_api_base,
            payos_api=self.payos_api_base,
            return_url=self.return_url,
            window=timedelta(hours=self.expire_after_hours),
        )


# A producer's payments, one variable a key: PAYMENTS_BABE_PROVIDER=sepay,
# PAYMENTS_BABE_SEPAY_API_KEY=…  (the keys of [payments.producers.BABE], upper case).
PRODUCER_PAYMENTS = re.compile(
    "PAYMENTS_([A-Z0-9]{2,12})_("
    + "|".join(name.upper() for name in ProducerPayments.model_fields)
    + ")"
)


def producer_payments_from(
    environ: Mapping[str, str], raw: dict[str, Any], origin: dict[tuple[str, str], str]
) -> None:
    for name, value in environ.items():
        found = PRODUCER_PAYMENTS.fullmatch(name)
        if found is None or not value.strip():
            continue
        code, key = found.group(1), found.group(2).lower()
        payments = raw.setdefault("payments", {})
        if isinstance(payments, dict):
            producers = payments.setdefault("producers", {})
            if isinstance(producers, dict):
                producers.setdefault(code, {})[key] = value.strip()
        origin[("payments", "producers")] = f"PAYMENTS_{code}_…"
