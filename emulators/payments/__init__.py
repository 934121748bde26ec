"""SePay, Casso and payOS, the services that tell a shop of bank transfers, emulated on
loopback with the bank whose transfers they report (tests, playground)."""

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
