"""SePay API v2: ``GET /v2/transactions`` (stands for https://userapi.sepay.vn/v2/transactions).

Documented: ``Authorization: Bearer <API token>`` (the company's); filters
``transaction_date_from``/``_to``, ``amount_in_min``/``_max``, ``transfer_type``,
``reference_number``, ``since_id`` (a transaction's UUID: only later ones); ``page`` and
``per_page`` (default 20, at most 100); ``transaction_date_sort`` (newest first by default);
answers ``{"status": "success", "data": [...], "meta": {"pagination": {...}}}`` with UUID ids
and integer amounts; errors with HTTP 401, 422 and, past 3 requests a second from one
address, 429 with ``Retry-After``. The error bodies' exact words are not documented:
``{"status": "error", "error_code", "message"}`` here."""

from __future__ import annotations

import math
import time
from collections import defaultdict, deque
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from aiohttp import web

from emulators.payments.clock import VIETNAM, bank_time

if TYPE_CHECKING:
    from emulators.payments.sepay import SePay, SePayTransaction

MAX_PER_PAGE = 100


class ApiError(Exception):
    def __init__(self, status: int, error_code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.error_code, self.message = status, error_code, message


def _int(query: Any, name: str, default: int | None = None, *, low: int = 0) -> int | None:
    raw = query.get(name)
    if raw is None or raw == "":
        return default
    if not raw.lstrip("-").isdigit() or int(raw) < low:
        raise ApiError(422, "validation_error", f"The {name} field must be an integer >= {low}.")
    return int(raw)


def _when(query: Any, name: str, *, end_of_day: bool) -> datetime | None:
    raw = query.get(name)
    if not raw:
        return None
    for pattern in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d"):
        try:
            when = datetime.strptime(raw, pattern).replace(tzinfo=VIETNAM)
        except ValueError:
            continue
        if pattern == "%Y-%m-%d" and end_of_day:
            when += timedelta(days=1, seconds=-1)  # a bare end date covers that whole day
        return when
    raise ApiError(422, "validation_error", f"The {name} field must be a date.")


class SePayTransactionsApi:
    def __init__(self, sepay: SePay, *, per_second: int | None = 3) -> None:
        self.sepay = sepay
        self.per_second = per_second
        self.requests: list[tuple[str, int]] = []  # (query string, status) of every call
        self._recent: defaultdict[str, deque[float]] = defaultdict(deque)
        self.monotonic = time.monotonic  # the rate limit's clock (a test may hold it still)

    async def list_transactions(self, request: web.Request) -> web.Response:
        try:
            self._limit(request.remote or "")
            response = web.json_response(self._list(request))
        except ApiError as err:
            body = {"status": "error", "error_code": err.error_code, "message": err.message}
            headers = {}
            if err.status == 429:
                headers = {
                    "Retry-After": "1",
                    "X-RateLimit-Limit": str(self.per_second),
                    "X-RateLimit-Remaining": "0",
                    "X-RateLimit-Reset": str(math.ceil(time.time()) + 1),
                }
            response = web.json_response(body, status=err.status, headers=headers)
        self.requests.append((request.query_string, response.status))
        return response

    def _limit(self, address: str) -> None:
        if self.per_second is None:
            return
        now, recent = self.monotonic(), self._recent[address]
        while recent and now - recent[0] >= 1.0:
            recent.popleft()
        if len(recent) >= self.per_second:
            raise ApiError(429, "too_many_requests", "Too Many Requests")
        recent.append(now)

    def _list(self, request: web.Request) -> dict[str, Any]:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        company = next(
            (c for c in self.sepay.companies if scheme == "Bearer" and c.api_token == token),
            None,
        )
        if company is None:
            raise ApiError(401, "unauthenticated", "Unauthenticated.")
        query = request.query
        page = _int(query, "page", 1, low=1) or 1
        per_page = _int(query, "per_page", 20, low=1) or 20
        if per_page > MAX_PER_PAGE:
            raise ApiError(
                422,
                "validation_error",
                f"The per_page field must not be greater than {MAX_PER_PAGE}.",
            )
        sort = query.get("transaction_date_sort", "desc")
        if sort not in ("asc", "desc") or query.get("transfer_type", "in") not in ("in", "out"):
            raise ApiError(422, "validation_error", "The sort or transfer type is invalid.")
        rows = [r for r in self.sepay.transactions if r.company is company]
        since = query.get("since_id")
        if since:
            position = next((i for i, r in enumerate(rows) if r.uuid == since), None)
            if position is None:
                raise ApiError(422, "validation_error", "The selected since_id is invalid.")
            rows = rows[position + 1 :]
        wanted = self._filter(query)
        rows = [r for r in rows if wanted(r)]
        rows.sort(key=lambda r: (r.tx.at, r.tx.seq), reverse=sort == "desc")
        last_page = max(1, math.ceil(len(rows) / per_page))
        shown = rows[(page - 1) * per_page : page * per_page]
        return {
            "status": "success",
            "data": [self._row(r) for r in shown],
            "meta": {
                "pagination": {
                    "total": len(rows),
                    "per_page": per_page,
                    "current_page": page,
                    "last_page": last_page,
                    "has_more": page < last_page,
                }
            },
        }

    @staticmethod
    def _filter(query: Any) -> Callable[[SePayTransaction], bool]:
        """The documented filters, checked before any row is looked at."""
        date_from = _when(query, "transaction_date_from", end_of_day=False)
        date_to = _when(query, "transaction_date_to", end_of_day=True)
        low, high = _int(query, "amount_in_min"), _int(query, "amount_in_max")

        def wanted(row: SePayTransaction) -> bool:
            tx = row.tx
            amount_in = tx.amount if tx.direction == "in" else 0
            return (
                (date_from is None or tx.at >= date_from)
                and (date_to is None or tx.at <= date_to)
                and (low is None or amount_in >= low)
                and (high is None or amount_in <= high)
                and query.get("transfer_type", tx.direction) == tx.direction
                and query.get("reference_number", tx.reference) == tx.reference
            )

        return wanted

    @staticmethod
    def _row(row: SePayTransaction) -> dict[str, Any]:
        tx = row.tx
        return {
            "id": row.uuid,
            "transaction_date": bank_time(tx.at),
            "account_number": tx.account.number,
            "va": tx.sub_account or "",
            "transfer_type": tx.direction,
            "amount_in": tx.amount if tx.direction == "in" else 0,
            "amount_out": tx.amount if tx.direction == "out" else 0,
            "accumulated": tx.balance_after,
            "transaction_content": tx.content,
            "reference_number": tx.reference,
            "code": row.code,
            "bank_brand_name": tx.account.bank.brand,
            "bank_account_id": tx.account.uuid,
            "va_id": None,
            "webhook_success": int(any(d.delivered for d in row.deliveries)),
        }
