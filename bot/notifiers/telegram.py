"""Alerts in a Telegram channel, operator alerts and personal alerts by direct message, and commands.

Delivery guarantees:
- The channel post of an event is acked (marked sent, with its message id) only after Telegram answered.
  A post split into several messages records each sent part in `telegram_parts`, so a retry after a
  failure half-way sends only the missing parts: nothing is posted twice. The one window left is a
  timeout after Telegram accepted a message but before its answer came back: that message is sent again.
- A 429 is absorbed by the rate limiter (it waits `retry_after` and retries, up to `max_retries`); if it
  persists, delivery stops with DeliveryError(retry_after) and the drainer resumes in the same order.
- Above `burst_threshold` subscriber events in one cycle, the channel gets one summary post instead.
- Health events go to the admins by direct message, never to the channel.
- Personal alerts (/follow) are sent after the channel post is acked, best effort and at most once: a
  follower who blocked the bot, or any failure to reach one, is logged and skipped, so a follower can
  neither hold up the channel nor cause a second channel post.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from telegram import Bot, LinkPreviewOptions, Message
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder

from bot.event_text import describe
from bot.notifiers.base import Ack, DeliveryError, Notifier
from bot.notifiers.registry import register
from bot.notifiers.telegram_config import TelegramConfig
from bot.telegram_commands import install
from bot.telegram_format import (
    CAPTION_LIMIT,
    MESSAGE_LIMIT,
    Chunk,
    Line,
    burst_summary,
    event_lines,
    split,
)
from bot.vote_picture import vote_png
from state.follows import Follows
from state.model import Event, OutboxEntry

if TYPE_CHECKING:
    from bot.runtime import Runtime

log = logging.getLogger("hrcwatch.telegram")

_TEST_LINES = (
    Line("HRC Watch test message", "b"),
    Line("If you can read this, the bot can post to this chat."),
)
_PARTS_SCHEMA = """CREATE TABLE IF NOT EXISTS telegram_parts (
    entry_id   INTEGER NOT NULL,
    chat       TEXT NOT NULL,
    part       INTEGER NOT NULL,
    message_id INTEGER NOT NULL,
    PRIMARY KEY (entry_id, chat, part)
)"""


@dataclass(frozen=True)
class Part:
    """One message of a post: text, or a photo whose caption is the chunk."""

    chunk: Chunk
    photo: bytes | None = None


def retry_after_seconds(exc: RetryAfter) -> float:
    value: Any = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def explain(exc: TelegramError, chat: str, config: TelegramConfig) -> str:
    """What went wrong, in words an operator can act on; never the token (PTB quotes it in InvalidToken)."""
    text = exc.message.replace(config.token, "***") if config.token else exc.message
    if isinstance(exc, InvalidToken):
        return f"bad token: Telegram refused the token in ${config.token_env} (check it with @BotFather)"
    if isinstance(exc, RetryAfter):
        return f"rate limited by Telegram: retry after {retry_after_seconds(exc):.0f} s"
    if isinstance(exc, Forbidden):
        return f"not allowed to post to chat {chat}: {text} (is the bot an administrator of the channel?)"
    if isinstance(exc, BadRequest) and "chat not found" in text.lower():
        return f"unknown chat {chat}: Telegram has no such chat, or the bot is not in it"
    if isinstance(exc, TimedOut):
        return f"no answer from {config.api_base} within {config.timeout.total_seconds():.0f} s"
    if isinstance(exc, NetworkError) and re.search(r"ssl|certificate|tls", text, re.IGNORECASE):
        return f"TLS failed talking to {config.api_base}: {text}"
    if isinstance(exc, BadRequest):
        return f"Telegram refused the message to {chat}: {text}"
    return f"Telegram API at {config.api_base} failed: {text}"


def _gone(exc: TelegramError) -> bool:
    """A recipient that will never accept a message (blocked the bot, deleted, unknown)."""
    text = exc.message.lower()
    return isinstance(exc, Forbidden) or (
        isinstance(exc, BadRequest) and ("chat not found" in text or "user is deactivated" in text)
    )


@register
class TelegramNotifier(Notifier):
    kind = "telegram"
    Config = TelegramConfig

    def __init__(self, config: TelegramConfig, runtime: Runtime):
        super().__init__(config, runtime)
        self.config: TelegramConfig = config
        self.app: Application[Any, Any, Any, Any, Any, Any] | None = None
        self._interactive = False
        self.follows = Follows(runtime.store)
        runtime.store.connection().execute(_PARTS_SCHEMA)

    # -- lifecycle ---------------------------------------------------------------------------------

    def _build(self, polling: bool) -> Application[Any, Any, Any, Any, Any, Any]:
        seconds = self.config.timeout.total_seconds()
        limiter = AIORateLimiter(
            overall_max_rate=self.config.messages_per_second,
            group_max_rate=self.config.channel_messages_per_minute,
            max_retries=self.config.max_retries,
        )
        builder = (
            ApplicationBuilder()
            .token(self.config.token)
            .base_url(self.config.api_base)
            .rate_limiter(limiter)
            .connect_timeout(seconds)
            .read_timeout(seconds)
            .write_timeout(seconds)
            .media_write_timeout(seconds)
            .pool_timeout(seconds)
        )
        if not polling:
            builder = builder.updater(None)
        return builder.build()

    async def start(self, *, interactive: bool = True) -> None:
        """Checks the token (getMe); with interactive and `commands`, also answers commands.

        A refused token raises DeliveryError: nothing can work until the operator fixes it. Telegram
        being unreachable does not: the connection is retried when there is something to send.
        """
        self._interactive = interactive
        try:
            await self._connect()
        except DeliveryError as exc:
            if isinstance(exc.__cause__, InvalidToken):
                raise
            log.warning("%s; will retry at the next delivery", exc)

    async def _connect(self) -> None:
        if self.app is not None:
            return
        polling = self._interactive and self.config.commands
        app = self._build(polling)
        try:
            await app.initialize()
        except TelegramError as exc:
            raise DeliveryError(f"telegram: {explain(exc, self.config.channel, self.config)}") from exc
        if polling and app.updater is not None:
            await install(app, self.runtime, self.follows, self.config.admins)
            await app.updater.start_polling(drop_pending_updates=False, allowed_updates=["message"])
            await app.start()
        self.app = app

    async def stop(self) -> None:
        app, self.app = self.app, None
        if app is None:
            return
        if app.updater is not None and app.updater.running:
            await app.updater.stop()
        if app.running:
            await app.stop()
        await app.shutdown()

    async def _bot(self) -> Bot:
        await self._connect()
        assert self.app is not None
        return self.app.bot

    async def test_message(self) -> str:
        """Sends a test post to the channel; DeliveryError says plainly what failed."""
        bot = await self._bot()
        message = await self._send(bot, self.config.channel, Part(Chunk(_TEST_LINES)))
        return f"sent a test message to {self.config.channel} (message id {message.message_id})"

    # -- sending -----------------------------------------------------------------------------------

    async def _send(self, bot: Bot, chat: str, part: Part) -> Message:
        """One message; Telegram's "can't parse entities" makes it go again as plain text."""
        try:
            try:
                return await self._send_once(bot, chat, part, html=True)
            except BadRequest as exc:
                if "can't parse entities" not in exc.message.lower():
                    raise
                log.warning("chat %s: Telegram could not parse our HTML (%s); sent as plain text", chat, exc)
                return await self._send_once(bot, chat, part, html=False)
        except TelegramError as exc:
            retry_after = retry_after_seconds(exc) if isinstance(exc, RetryAfter) else None
            raise DeliveryError(f"telegram: {explain(exc, chat, self.config)}", retry_after) from exc

    async def _send_once(self, bot: Bot, chat: str, part: Part, html: bool) -> Message:
        text = part.chunk.html if html else part.chunk.plain
        mode = ParseMode.HTML if html else None
        if part.photo is not None:
            try:
                return await bot.send_photo(chat, io.BytesIO(part.photo), caption=text, parse_mode=mode)
            except BadRequest as exc:
                if "can't parse entities" in exc.message.lower():
                    raise
                log.warning("chat %s: photo refused (%s); sending the caption as text", chat, exc)
        return await bot.send_message(
            chat, text, parse_mode=mode, link_preview_options=LinkPreviewOptions(is_disabled=True)
        )

    async def _send_parts(self, bot: Bot, entry_id: int, chat: str, parts: Sequence[Part]) -> int:
        """Sends the parts not yet sent for this entry and chat; returns the first part's message id."""
        conn = self.runtime.store.connection()
        done = dict(
            conn.execute(
                "SELECT part, message_id FROM telegram_parts WHERE entry_id = ? AND chat = ?",
                (entry_id, chat),
            ).fetchall()
        )
        for index, part in enumerate(parts):
            if index in done:
                continue
            message = await self._send(bot, chat, part)
            done[index] = message.message_id
            with self.runtime.store.transaction() as tx:
                tx.execute(
                    "INSERT OR REPLACE INTO telegram_parts VALUES (?, ?, ?, ?)",
                    (entry_id, chat, index, message.message_id),
                )
        return done[0]

    def _forget_parts(self, entry_id: int) -> None:
        with self.runtime.store.transaction() as conn:
            conn.execute("DELETE FROM telegram_parts WHERE entry_id = ?", (entry_id,))

    def parts(self, event: Event) -> list[Part]:
        """The post for one event: text messages, or for a vote its chart with the text as caption."""
        photo = vote_png(event)
        lines = event_lines(describe(event))
        if photo is None:
            return [Part(chunk) for chunk in split(lines)]
        chunks = split(lines, MESSAGE_LIMIT, first_limit=CAPTION_LIMIT)
        return [Part(chunks[0], photo), *(Part(chunk) for chunk in chunks[1:])]

    # -- delivery ----------------------------------------------------------------------------------

    async def deliver(self, entries: Sequence[OutboxEntry], ack: Ack) -> None:
        bot = await self._bot()
        public = [e for e in entries if not e.event.for_operators]
        burst = bool(self.config.burst_threshold) and len(public) > self.config.burst_threshold
        if burst:
            chunk = burst_summary([describe(e.event).headline for e in public], MESSAGE_LIMIT)
            message = await self._send(bot, self.config.channel, Part(chunk))
            ack([e.id for e in public], str(message.message_id))
            log.info("channel %s: %d events summarised in one post", self.config.channel, len(public))
        for entry in entries:
            if entry.event.for_operators:
                await self._to_admins(bot, entry)
                ack([entry.id])
            elif not burst:
                first = await self._send_parts(bot, entry.id, self.config.channel, self.parts(entry.event))
                ack([entry.id], str(first))
                self._forget_parts(entry.id)
            await self._to_followers(bot, entry.event)

    async def _to_admins(self, bot: Bot, entry: OutboxEntry) -> None:
        """An operator alert to every admin; an admin who never started the bot is logged and skipped."""
        if not self.config.admins:
            log.info("no [telegram] admins: operator alert #%d not sent by Telegram", entry.event.id)
        parts = [Part(chunk) for chunk in split(event_lines(describe(entry.event)))]
        for admin in self.config.admins:
            try:
                await self._send_parts(bot, entry.id, str(admin), parts)
            except DeliveryError as exc:
                if not isinstance(exc.__cause__, TelegramError) or not _gone(exc.__cause__):
                    raise
                log.warning("admin %s cannot be reached (%s); start a chat with the bot", admin, exc)
        self._forget_parts(entry.id)

    async def _to_followers(self, bot: Bot, event: Event) -> None:
        """Personal alerts, best effort: never raises, so the channel is neither blocked nor repeated."""
        for user_id, follows in self.follows.followers(event).items():
            because = "You follow " + ", ".join(f.label for f in follows)
            lines = [*event_lines(describe(event)), Line(because)]
            try:
                for chunk in split(lines):
                    await self._send(bot, str(user_id), Part(chunk))
            except DeliveryError as exc:
                cause = exc.__cause__
                if isinstance(cause, TelegramError) and _gone(cause):
                    self.follows.forget_user(user_id)
                    log.info("user %s blocked the bot or is gone: their follows were removed", user_id)
                else:
                    log.warning("personal alert #%d to user %s dropped: %s", event.id, user_id, exc)
