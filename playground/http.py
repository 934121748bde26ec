"""What the playground's page endpoints share: JSON answers, JSON errors, the page's
content security policy and where its static files are."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from aiohttp import web

# Shipped inside the package (package data), so found beside this module in any install.
STATIC_DIR = Path(__file__).with_name("static")
# Everything comes from this server: no fonts, scripts or styles from anywhere else.
CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)


def dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False)


def json_response(data: Any, status: int = 200) -> web.Response:
    return web.json_response(data, status=status, dumps=dumps)


_STATUS: dict[int, type[web.HTTPException]] = {
    400: web.HTTPBadRequest,
    404: web.HTTPNotFound,
    415: web.HTTPUnsupportedMediaType,
    503: web.HTTPServiceUnavailable,
}


def fail(status: int, text: str) -> web.HTTPException:
    return _STATUS[status](text=dumps({"error": text}), content_type="application/json")
