"""The playground's web page beside the Bot API on the same server: its routes."""

from __future__ import annotations

from aiohttp import web

from playground.acting import PageActions
from playground.app import Playground
from playground.http import STATIC_DIR
from playground.messenger_page import add_messenger_routes
from playground.reading import PageReads


def add_routes(app: web.Application, playground: Playground) -> None:
    """The page at ``/``, beside the Bot API the emulator serves on the same port."""
    page, act = PageReads(playground), PageActions(playground)
    app.router.add_get("/", page.index)
    app.router.add_static("/static/", STATIC_DIR)
    app.router.add_get("/api/state", page.state)
    app.router.add_get("/api/events", page.events)
    app.router.add_get("/api/files/{file_id}", page.file)
    app.router.add_post("/api/chats/{role}/send", act.send)
    app.router.add_post("/api/zalo/send", act.zalo_send)
    app.router.add_post("/api/chats/{role}/press", act.press)
    app.router.add_post("/api/chats/{role}/reply", act.reply)
    app.router.add_post("/api/customer", act.new_customer)
    app.router.add_post("/api/pay", act.pay)
    app.router.add_post("/api/reset", act.reset)
    add_messenger_routes(app, playground)
