"""Payments: bank notifications stored and applied (notifications), the money on an order
and who is told (ledger), money recorded by hand (manual), unpaid orders reminded and
expired (expiry), the VietQR code of an order, from a payOS link where the producer uses
payOS (links), the providers' lists read back (reconcile), and the staff's figures
(figures)."""
