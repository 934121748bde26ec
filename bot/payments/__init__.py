"""Bank notifications in the running bot: the receiver (an aiohttp app at /payments/sepay,
/payments/casso, /payments/payos), the jobs beside it (applying what a stopped worker left,
reminding and expiring unpaid orders, reconciliation), and the seams where their outcomes
are known."""
