"""payOS's merchant API over HTTP (stands for https://api-merchant.payos.vn).

Every call needs ``x-client-id`` and ``x-api-key`` of one merchant. Answers are
``{code, desc, data, signature}``; business refusals come with HTTP 200 and their own code,
as payOS's SDK and integrations show: "20" invalid parameters (``desc`` lists them), "201"
wrong signature, "231" order code already used. A wrong client id or key gets HTTP 401
(its ``code`` and ``desc`` are not documented)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiohttp import web

from emulators.payments.delivery import SCHEDULE
from emulators.payments.payos import PAYABLE, SAMPLE_DATA, data_signature, request_signature
from emulators.payments.urls import WebhookUrlRefused, check_webhook_url

if TYPE_CHECKING:
    from emulators.payments.payos import PayOS, PayOSMerchant

MAX_ORDER_CODE = 9007199254740991  # JavaScript's largest safe integer, payOS's limit
SIGNATURE_REFUSED = ("201", "Mã kiểm tra(signature) không hợp lệ")
ORDER_EXISTS = ("231", "Đơn thanh toán đã tồn tại")
NOT_FOUND = ("101", "Không tìm thấy thông tin đơn hàng")  # the code is a guess
NOT_CANCELLABLE = ("20", "Đơn thanh toán không thể huỷ")  # likewise
WEBHOOK_REFUSED = ("20", "Webhook url invalid")


class Refused(Exception):
    def __init__(self, code: str, desc: str, status: int = 200) -> None:
        super().__init__(desc)
        self.code, self.desc, self.status = code, desc, status


def _is_int(value: Any, low: int = -MAX_ORDER_CODE, high: int = MAX_ORDER_CODE) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


class PayOSApi:
    def __init__(self, payos: PayOS) -> None:
        self.payos = payos
        self.requests: list[tuple[str, str, str]] = []  # (method, path, answer code)

    def add_routes(self, app: web.Application, prefix: str) -> None:
        app.router.add_post(prefix + "/v2/payment-requests", self._wrap(self._create))
        app.router.add_get(prefix + "/v2/payment-requests/{key}", self._wrap(self._get))
        app.router.add_post(prefix + "/v2/payment-requests/{key}/cancel", self._wrap(self._cancel))
        app.router.add_post(prefix + "/confirm-webhook", self._wrap(self._confirm_webhook))

    def _wrap(self, handler: Any) -> Any:
        async def handle(request: web.Request) -> web.Response:
            merchant = self.payos.merchant(
                request.headers.get("x-client-id"), request.headers.get("x-api-key")
            )
            try:
                if merchant is None:
                    raise Refused("401", "Unauthorized.", 401)
                data = await handler(request, merchant)
                body = {
                    "code": "00",
                    "desc": "success",
                    "data": data,
                    "signature": data_signature(data, merchant.checksum_key),
                }
                status = 200
            except Refused as err:
                body = {"code": err.code, "desc": err.desc, "data": None}
                status = err.status
            self.requests.append((request.method, request.path, str(body["code"])))
            return web.json_response(body, status=status)

        return handle

    @staticmethod
    async def _json(request: web.Request) -> dict[str, Any]:
        try:
            body = await request.json()
        except ValueError:
            raise Refused("20", "Dữ liệu không hợp lệ: body is not JSON") from None
        if not isinstance(body, dict):
            raise Refused("20", "Dữ liệu không hợp lệ: body is not a JSON object")
        return body

    async def _create(self, request: web.Request, merchant: PayOSMerchant) -> dict[str, Any]:
        body = await self._json(request)
        problems = []
        order_code, amount = body.get("orderCode"), body.get("amount")
        if not _is_int(order_code, 1):
            problems.append(f"orderCode: must be a positive integer <= {MAX_ORDER_CODE}")
        if not _is_int(amount, 1):
            problems.append("amount: must be a positive integer")
        description = body.get("description")
        if not isinstance(description, str) or not description:
            problems.append("description: is required")
        elif len(description) > merchant.description_limit:
            problems.append(f"description: Mô tả tối đa {merchant.description_limit} kí tự")
        for name in ("cancelUrl", "returnUrl"):
            if not isinstance(body.get(name), str) or not body[name]:
                problems.append(f"{name}: is required")
        expired_at = body.get("expiredAt")
        if expired_at is not None and not _is_int(expired_at):
            problems.append("expiredAt: must be a unix timestamp in seconds")
        if problems:
            raise Refused("20", ", ".join(problems))
        if body.get("signature") != request_signature(body, merchant.checksum_key):
            raise Refused(*SIGNATURE_REFUSED)
        if self.payos.link(merchant, str(order_code)) is not None:
            raise Refused(*ORDER_EXISTS)
        return self.payos.new_link(merchant, body).created(self.payos.base_url)

    async def _get(self, request: web.Request, merchant: PayOSMerchant) -> dict[str, Any]:
        link = self.payos.link(merchant, request.match_info["key"])
        if link is None:
            raise Refused(*NOT_FOUND)
        return link.info()

    async def _cancel(self, request: web.Request, merchant: PayOSMerchant) -> dict[str, Any]:
        body = await self._json(request) if await request.read() else {}
        link = self.payos.link(merchant, request.match_info["key"])
        if link is None:
            raise Refused(*NOT_FOUND)
        reason = body.get("cancellationReason")
        if reason is not None and not isinstance(reason, str):
            raise Refused("20", "cancellationReason: must be a string")
        if link.status not in PAYABLE or link.transactions:
            raise Refused(*NOT_CANCELLABLE)
        link.status, link.canceled_at = "CANCELLED", self.payos.clock.now()
        link.cancellation_reason = reason
        return link.info()

    async def _confirm_webhook(
        self, request: web.Request, merchant: PayOSMerchant
    ) -> dict[str, Any]:
        url = (await self._json(request)).get("webhookUrl")
        try:
            check_webhook_url(url, allow_private=self.payos.allow_private_webhooks)
        except WebhookUrlRefused:
            raise Refused(*WEBHOOK_REFUSED) from None
        assert isinstance(url, str)
        # One call, not retried: its answer decides at once.
        (test_call,) = await self.payos.post_webhook(
            merchant, url, dict(SAMPLE_DATA), schedule=SCHEDULE[:1]
        )
        if not test_call.delivered:
            raise Refused(*WEBHOOK_REFUSED)
        merchant.webhook_url = url
        return {
            "webhookUrl": url,
            "accountName": merchant.account.holder,
            "accountNumber": merchant.account.number,
            "name": merchant.name,
            "shortName": merchant.account.bank.abbreviation,
        }
