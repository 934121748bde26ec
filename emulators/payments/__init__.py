"""SePay, Casso and payOS, the services that tell a shop of bank transfers, emulated on
loopback with the bank whose transfers they report (tests, playground).

    payments = PaymentsEmulator(allow_private_webhooks=True)   # loopback webhook URLs
    await payments.start()                                     # one server on 127.0.0.1
    account = payments.open_account("970422", "0123456789", "HTX Gom", owner="gom")

    company = payments.sepay.add_company("API-TOKEN", PaymentCode("DH", 5, 5))
    payments.sepay.link(company, account)
    payments.sepay.add_webhook(company, shop_url, HmacAuth("whsec_…"))  # or ApiKeyAuth, NoAuth
    business = payments.casso.add_business("API-KEY", webhook_url=…, checksum_key=…)
    payments.casso.link(business, account)
    payments.payos.add_merchant(account, "client-id", "api-key", "checksum-key")

    await payments.transfer(account, 250_000, "OCOP DH00012", mangling=Mangle.MBVCB)
    await payments.pay("0123456789", 250_000, "OCOP DH00012")  # the playground's button
    await payments.advance(minutes=33)                          # retries fall due
    payments.deliveries("sepay")[0].attempts                    # what the shop answered

The APIs: ``payments.sepay.base_url`` (for https://userapi.sepay.vn),
``payments.casso.base_url`` (https://oauth.casso.vn), ``payments.payos.base_url``
(https://api-merchant.payos.vn)."""

from emulators.payments.bank import Account, BankTransaction, Mangle, Mangling, Payer
from emulators.payments.casso import CassoBusiness
from emulators.payments.clock import EmulatedClock
from emulators.payments.delivery import SCHEDULE, Attempt, Delivery
from emulators.payments.payos import PaymentLink, PayOSMerchant
from emulators.payments.sepay import ApiKeyAuth, HmacAuth, NoAuth, PaymentCode, SePayCompany
from emulators.payments.server import PaymentsEmulator
from emulators.payments.urls import WebhookUrlRefused

__all__ = [
    "SCHEDULE",
    "Account",
    "ApiKeyAuth",
    "Attempt",
    "BankTransaction",
    "CassoBusiness",
    "Delivery",
    "EmulatedClock",
    "HmacAuth",
    "Mangle",
    "Mangling",
    "NoAuth",
    "PayOSMerchant",
    "Payer",
    "PaymentCode",
    "PaymentLink",
    "PaymentsEmulator",
    "SePayCompany",
    "WebhookUrlRefused",
]
