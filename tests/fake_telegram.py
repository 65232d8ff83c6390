"""A fake Telegram Bot API server (aiohttp on 127.0.0.1) for python-telegram-bot's `base_url`.

It records every request, answers like Telegram (message ids, getMe, getUpdates fed from a queue) and
checks what Telegram checks: the token, the chat, HTML entities (allowed tags, balanced, only the four
named entities) and the 4096 / 1024 UTF-16 limits after entity parsing. It keeps every message it
accepted, so replies (reply_parameters) and edits (editMessageText / editMessageCaption) can be checked
against them; an edit of a message it does not have, or one marked `uneditable` (too old, deleted), is
refused as Telegram refuses it. Faults are scripted in order: 429 with parameters.retry_after, 400
"can't parse entities", 500, or a hang.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections import deque
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any, Literal

from aiohttp import web

TOKEN = "123456:TEST-token-abcdefghijklmnopqrstuvwxyz"
BOT_ID = 123456
FaultKind = Literal["429", "parse", "500", "hang", "403"]
SEND_METHODS = frozenset({"sendMessage", "sendPhoto", "sendDocument"})
EDIT_METHODS = frozenset({"editMessageText", "editMessageCaption"})
_ALLOWED_TAGS = frozenset({"b", "strong", "i", "em", "u", "s", "a", "code", "pre", "blockquote"})
_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


class EntityError(ValueError):
    pass


class _TelegramHtml(HTMLParser):
    """Telegram's HTML rules, strictly: what it would refuse with "can't parse entities"."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.stack: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _ALLOWED_TAGS:
            raise EntityError(f'Unsupported start tag "{tag}"')
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            raise EntityError(f'Unmatched end tag "{tag}"')
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        if any(ch in data for ch in "<>&"):
            raise EntityError(f"Unescaped character in {data[:30]!r}")
        self.text.append(data)

    def handle_entityref(self, name: str) -> None:
        if name not in _ENTITIES:
            raise EntityError(f'Unsupported HTML entity "&{name};"')
        self.text.append(_ENTITIES[name])

    def handle_charref(self, name: str) -> None:
        self.text.append(chr(int(name[1:], 16) if name[:1] in "xX" else int(name)))


def parse_html(text: str) -> str:
    """The visible text of Telegram HTML; EntityError for what Telegram would refuse."""
    parser = _TelegramHtml()
    parser.feed(text)
    parser.close()
    if parser.rawdata:
        raise EntityError(f"Unexpected end of text at {parser.rawdata[:30]!r}")
    if parser.stack:
        raise EntityError(f'Can\'t find end tag corresponding to start tag "{parser.stack[-1]}"')
    return "".join(parser.text)


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@dataclass
class Request:
    method: str
    params: dict[str, str]
    files: dict[str, bytes]
    status: int = 0  # 0 while unanswered (a hang)
    message_id: int | None = None
    at: float = field(default_factory=time.monotonic)

    @property
    def chat_id(self) -> str:
        return self.params.get("chat_id", "")

    @property
    def text(self) -> str:
        return self.params.get("text") or self.params.get("caption") or ""

    @property
    def reply_to(self) -> int | None:
        """The message this one replies to (reply_parameters), if any."""
        raw = self.params.get("reply_parameters")
        return int(json.loads(raw)["message_id"]) if raw else None

    @property
    def edited(self) -> int | None:
        return int(self.params["message_id"]) if self.method in EDIT_METHODS else None


@dataclass
class Fault:
    kind: FaultKind
    method: str | None = None
    retry_after: int = 1


class FakeTelegram:
    """State of one fake server; `base_url` is what the bot is given."""

    def __init__(self) -> None:
        self.token = TOKEN
        self.requests: list[Request] = []
        self.faults: deque[Fault] = deque()
        self.scheduled: dict[int, Fault] = {}
        self.send_attempts = 0
        self.unknown_chats: set[str] = set()
        self.blocked_chats: set[str] = set()
        self.uneditable: set[int] = set()
        self.messages: dict[int, Request] = {}
        self.base_url = ""
        self._updates: list[dict[str, Any]] = []
        self._new_update = asyncio.Event()
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self._changed = asyncio.Event()

    # -- scripting --------------------------------------------------------------------------------

    def fail(self, kind: FaultKind, times: int = 1, method: str | None = None, retry_after: int = 1) -> None:
        """Queues `times` faults, each answering the next matching request (any method if None)."""
        self.faults.extend(Fault(kind, method, retry_after) for _ in range(times))

    def fail_on(self, attempt: int, kind: FaultKind, retry_after: int = 1) -> None:
        """Makes the `attempt`-th send request (1-based, counting every try) answer with a fault."""
        self.scheduled[attempt] = Fault(kind, None, retry_after)

    def command(self, text: str, user_id: int, chat_type: str = "private") -> None:
        """Queues a message from `user_id` in its private chat, with a bot_command entity if it is one."""
        word = text.split()[0] if text.startswith("/") else ""
        user = {"id": user_id, "is_bot": False, "first_name": f"User{user_id}"}
        chat = {"id": user_id, "type": chat_type, "first_name": user["first_name"]}
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": chat,
            "from": user,
            "text": text,
        }
        if word:
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(word)}]
        self._updates.append({"update_id": next(self._update_ids), "message": message})
        self._new_update.set()

    # -- reading ----------------------------------------------------------------------------------

    def edits(self, chat_id: str | int | None = None) -> list[Request]:
        """Edits Telegram accepted, in order."""
        return [
            r
            for r in self.requests
            if r.method in EDIT_METHODS and r.status == 200 and (chat_id is None or r.chat_id == str(chat_id))
        ]

    def sent(self, chat_id: str | int | None = None) -> list[Request]:
        """Messages and photos Telegram accepted, in order (to one chat if given)."""
        return [
            r
            for r in self.requests
            if r.method in SEND_METHODS and r.status == 200 and (chat_id is None or r.chat_id == str(chat_id))
        ]

    async def wait_for(self, predicate: Callable[[FakeTelegram], bool], timeout: float = 10) -> None:
        async with asyncio.timeout(timeout):
            while not predicate(self):
                self._changed.clear()
                await self._changed.wait()

    # -- the API ----------------------------------------------------------------------------------

    def _fault_for(self, method: str) -> Fault | None:
        """Send methods take scheduled and unaddressed faults; getMe only faults addressed to it."""
        if method in SEND_METHODS:
            self.send_attempts += 1
            if self.send_attempts in self.scheduled:
                return self.scheduled.pop(self.send_attempts)
        for fault in self.faults:
            if fault.method == method or (fault.method is None and method in SEND_METHODS):
                self.faults.remove(fault)
                return fault
        return None

    async def handle(self, request: web.Request) -> web.Response:
        token, method = request.match_info["token"], request.match_info["method"]
        form = await request.post()
        params = {k: v for k, v in form.items() if isinstance(v, str)}
        files = {k: v.file.read() for k, v in form.items() if isinstance(v, web.FileField)}
        record = Request(method, params, files)
        self.requests.append(record)
        try:
            status, payload = await self._answer(token, method, record)
        finally:
            self._changed.set()
        record.status = status
        return web.json_response(payload, status=status)

    async def _answer(self, token: str, method: str, record: Request) -> tuple[int, dict[str, Any]]:
        if token != self.token:
            return _error(401, "Unauthorized")
        if method == "getUpdates":
            return 200, _ok(await self._get_updates(record.params))
        if method in EDIT_METHODS:
            return self._edit(method, record)
        if method not in SEND_METHODS and method != "getMe":
            return 200, _ok(True)
        fault = self._fault_for(method)
        if fault is not None:
            return await self._fault(fault)
        if method == "getMe":
            return 200, _ok(self._me())
        if record.chat_id in self.unknown_chats:
            return _error(400, "Bad Request: chat not found")
        if record.chat_id in self.blocked_chats:
            return _error(403, "Forbidden: bot was blocked by the user")
        return self._send(method, record)

    async def _fault(self, fault: Fault) -> tuple[int, dict[str, Any]]:
        if fault.kind == "429":
            answer = _error(429, f"Too Many Requests: retry after {fault.retry_after}")
            answer[1]["parameters"] = {"retry_after": fault.retry_after}
            return answer
        if fault.kind == "parse":
            return _error(
                400, 'Bad Request: can\'t parse entities: Unsupported start tag "x" at byte offset 0'
            )
        if fault.kind == "403":
            return _error(403, "Forbidden: bot was blocked by the user")
        if fault.kind == "hang":
            await asyncio.sleep(3600)
        return _error(500, "Internal Server Error")

    def _send(self, method: str, record: Request) -> tuple[int, dict[str, Any]]:
        key = "text" if method == "sendMessage" else "caption"
        text = record.params.get(key, "")
        if record.params.get("parse_mode") == "HTML":
            try:
                text = parse_html(text)
            except EntityError as exc:
                return _error(400, f"Bad Request: can't parse entities: {exc}")
        limit = 4096 if key == "text" else 1024
        if _utf16(text) > limit:
            return _error(400, f"Bad Request: message {'caption ' if key == 'caption' else ''}is too long")
        if key == "text" and not text.strip():
            return _error(400, "Bad Request: message text is empty")
        record.message_id = next(self._message_ids)
        self.messages[record.message_id] = record
        chat_id = record.chat_id
        chat: dict[str, Any] = {
            "id": int(chat_id) if chat_id.lstrip("-").isdigit() else -1001,
            "type": "channel",
        }
        message: dict[str, Any] = {"message_id": record.message_id, "date": int(time.time()), "chat": chat}
        if key == "text":
            message["text"] = text
        elif method == "sendDocument":
            message["caption"] = text
            message["document"] = {"file_id": "d1", "file_unique_id": "ud1", "file_name": "document"}
        else:
            message["caption"] = text
            message["photo"] = [{"file_id": "p1", "file_unique_id": "u1", "width": 800, "height": 600}]
        return 200, _ok(message)

    def _edit(self, method: str, record: Request) -> tuple[int, dict[str, Any]]:
        message_id = int(record.params.get("message_id") or 0)
        original = self.messages.get(message_id)
        if original is None or original.chat_id != record.chat_id or message_id in self.uneditable:
            return _error(400, "Bad Request: message to edit not found")
        if (method == "editMessageCaption") != (original.method == "sendPhoto"):
            return _error(400, "Bad Request: there is no caption in the message to edit")
        key = "caption" if method == "editMessageCaption" else "text"
        try:
            text = parse_html(record.params.get(key, "")) if record.params.get("parse_mode") == "HTML" else ""
        except EntityError as exc:
            return _error(400, f"Bad Request: can't parse entities: {exc}")
        if _utf16(text) > (1024 if key == "caption" else 4096):
            return _error(400, f"Bad Request: message {'caption ' if key == 'caption' else ''}is too long")
        if record.params.get(key) == original.params.get(key):
            return _error(400, "Bad Request: message is not modified")
        return 200, _ok(True)

    def _me(self) -> dict[str, Any]:
        return {"id": BOT_ID, "is_bot": True, "first_name": "HRC Watch", "username": "hrcwatch_test_bot"}

    async def _get_updates(self, params: dict[str, str]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        wait = min(float(params.get("timeout") or 0), 0.5)
        pending = [u for u in self._updates if u["update_id"] >= offset]
        if not pending and wait:
            self._new_update.clear()
            try:
                async with asyncio.timeout(wait):
                    await self._new_update.wait()
            except TimeoutError:
                return []
            pending = [u for u in self._updates if u["update_id"] >= offset]
        return pending


def _ok(result: Any) -> dict[str, Any]:
    return {"ok": True, "result": result}


def _error(code: int, description: str) -> tuple[int, dict[str, Any]]:
    return code, {"ok": False, "error_code": code, "description": description}


@asynccontextmanager
async def running_fake() -> AsyncIterator[FakeTelegram]:
    """Serves a FakeTelegram on a free loopback port for the duration of the block."""
    fake = FakeTelegram()
    app = web.Application()
    app.router.add_post("/bot{token}/{method}", fake.handle)
    runner = web.AppRunner(app, shutdown_timeout=0.5)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    fake.base_url = f"http://127.0.0.1:{port}/bot"
    try:
        yield fake
    finally:
        await runner.cleanup()
