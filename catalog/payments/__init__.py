"""Bank transfers the shop is told of: the providers' notifications (SePay, Casso, payOS)
read and checked, the order a transfer's content names found as banks mangle it, the
VietQR bank list, and which producer uses which provider with which keys.

Pure code and thin HTTP clients of the providers' documented APIs; the services that store
and apply notifications are in ``catalog.services.payments``.
"""
