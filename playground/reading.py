"""The playground's page and what it reads: the chats' state (Telegram's, Zalo's and the
Messenger thread's), a stream of their new events (server-sent events), and the files the bot
sent."""

from __future__ import annotations

import contextlib
from typing import Any

from aiohttp import web

from emulators.telegram import Chat, Event
from playground.app import ROLES, Playground, Role
from playground.http import CSP, STATIC_DIR, dumps, fail, json_response

KEEPALIVE_SECONDS = 15.0


class PageReads:
    def __init__(self, playground: Playground) -> None:
        self.pg = playground

    async def index(self, _request: web.Request) -> web.FileResponse:
        response = web.FileResponse(STATIC_DIR / "index.html")
        response.headers["Content-Security-Policy"] = CSP
        response.headers["Cache-Control"] = "no-cache"
        return response

    def _chat_state(self, role: Role, *, events: bool) -> dict[str, Any]:
        chat: Chat = self.pg.chat_of(role)
        data = chat.to_dict()
        data["role"] = role
        data["me"] = self.pg.people[role].user.to_api()
        data["me"]["phone"] = self.pg.people[role].user.phone
        if events:
            data["events"] = [event.to_dict() for event in chat.events]
        return data

    def _zalo_state(self) -> dict[str, Any]:
        """The staff member's Zalo chat: plain text both ways, no buttons."""
        pg = self.pg
        person = pg.zalo_staff
        return {
            "version": pg.zalo.version,
            "bot": pg.zalo.bot.name,
            "me": {"id": person.id, "display_name": person.display_name} if person else None,
            "messages": [
                {"id": m.message_id, "from_bot": m.from_bot, "text": m.text, "date": m.date}
                for m in (person.messages if person else [])
            ],
        }

    async def state(self, _request: web.Request) -> web.Response:
        pg = self.pg
        if not pg.ready:
            return json_response({"ready": False, "generation": pg.generation})
        events = pg.emulator.events
        return json_response(
            {
                "ready": True,
                "generation": pg.generation,
                "seq": events[-1].seq if events else 0,
                "language": pg.customer_language,
                "bot": pg.emulator.bot_user.to_api(),
                "chats": {role: self._chat_state(role, events=True) for role in ROLES},
                "zalo": self._zalo_state(),
                "messenger": pg.messenger.state(),
            }
        )

    def _new_events(self, after: int) -> list[tuple[Role, Event]]:
        ids = {self.pg.chat_of(role).id: role for role in ROLES}
        found: list[tuple[Role, Event]] = []
        for event in reversed(self.pg.emulator.events):
            if event.seq <= after:
                break
            if event.chat_id in ids:
                found.append((ids[event.chat_id], event))
        found.reverse()
        return found

    async def events(self, request: web.Request) -> web.StreamResponse:
        """Server-sent events: new chat events, or "reload" when the chats were replaced."""
        try:
            generation = int(request.query.get("generation", "-1"))
            after = int(request.query.get("after", "0"))
        except ValueError:
            raise fail(400, "generation and after are integers") from None
        response = web.StreamResponse(
            headers={
                "Content-Type": "text/event-stream",
                "Cache-Control": "no-cache",
                "X-Accel-Buffering": "no",
            }
        )
        await response.prepare(request)
        pg = self.pg
        zalo_seen = pg.zalo.version
        messenger_seen = pg.messenger.emulator.version

        def probe() -> tuple[str, list[tuple[Role, Event]]] | None:
            if pg.stopping:
                return "stop", []
            if pg.generation != generation or not pg.ready:
                return "reload", []
            found = self._new_events(after)
            others = (pg.zalo.version, pg.messenger.emulator.version)
            changed = found or others != (zalo_seen, messenger_seen)
            return ("events", found) if changed else None

        with contextlib.suppress(ConnectionError):
            await response.write(b"retry: 1000\n\n")
            while True:
                change = await pg.emulator.wait_until(probe, KEEPALIVE_SECONDS)
                if pg.stopping:
                    break
                if change is None:
                    await response.write(b": keepalive\n\n")
                    continue
                kind, found = change
                if kind != "events":
                    await response.write(b'data: {"type": "reload"}\n\n')
                    break
                after = found[-1][1].seq if found else after
                zalo_seen = pg.zalo.version
                messenger_seen = pg.messenger.emulator.version
                payload = {
                    "type": "events",
                    "seq": after,
                    "events": [{**event.to_dict(), "role": role} for role, event in found],
                    "chats": {role: self._chat_state(role, events=False) for role in ROLES},
                    "zalo": self._zalo_state(),
                    "messenger": pg.messenger.state(),
                }
                await response.write(f"data: {dumps(payload)}\n\n".encode())
        return response

    async def file(self, request: web.Request) -> web.Response:
        stored = self.pg.emulator.files.get(request.match_info["file_id"])
        if stored is None:
            raise fail(404, "no such file")
        response = web.Response(
            body=stored.data, content_type=stored.mime_type or "application/octet-stream"
        )
        response.headers["Cache-Control"] = "max-age=3600"
        if stored.kind == "document":
            name = (stored.file_name or "file").replace('"', "")
            response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
