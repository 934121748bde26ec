"""What an operator's tools read over HTTP: ``/metrics`` (Prometheus), ``/health`` (alive)
and ``/health/ready`` (bot/health.py). The webhook server serves them beside the webhook;
in polling mode a small listener of their own does, on ``[metrics] port`` (METRICS_PORT)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from aiohttp import web

from bot import metrics
from bot.health import Readiness

log = logging.getLogger(__name__)

HEALTH_PATH = "/health"
READY_PATH = "/health/ready"
METRICS_PATH = "/metrics"


async def serve_metrics(request: web.Request) -> web.Response:
    body, content_type = metrics.exposition(request.headers.get("Accept", ""))
    return web.Response(body=body, headers={"Content-Type": content_type})


def add_routes(
    app: web.Application,
    readiness: Readiness | None,
    stopping: Callable[[], bool] = lambda: False,
) -> None:
    """The health routes (``/health/ready`` with a readiness to ask), and ``/metrics``
    while metrics are counted."""

    async def health(_request: web.Request) -> web.Response:
        if stopping():
            return web.Response(status=503, text="stopping")
        return web.Response(text="ok")

    async def ready(_request: web.Request) -> web.Response:
        if stopping():
            return web.json_response({"ready": False, "stopping": True}, status=503)
        assert readiness is not None
        is_ready, body = await readiness.check()
        return web.json_response(body, status=200 if is_ready else 503)

    app.router.add_get(HEALTH_PATH, health)
    if readiness is not None:
        app.router.add_get(READY_PATH, ready)
    if metrics.is_on():
        app.router.add_get(METRICS_PATH, serve_metrics)


class OpsListener:
    """The routes on their own port, for a bot that polls (and so serves nothing else)."""

    def __init__(self, readiness: Readiness, host: str, port: int) -> None:
        self.app = web.Application()
        add_routes(self.app, readiness)
        self.host = host
        self.port = port
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        self._runner = web.AppRunner(self.app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, self.host, self.port).start()
        log.info("metrics and health on http://%s:%d%s", self.host, self.port, METRICS_PATH)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
