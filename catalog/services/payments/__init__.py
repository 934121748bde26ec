"""Payments: bank notifications stored once (notifications) and applied once (applying), the
money on an order and who is told (ledger), money recorded by hand (manual), unpaid orders
reminded and expired (expiry), the VietQR code of an order, from a payOS link where the
producer uses payOS (links), and the providers' lists read back (reconcile)."""
