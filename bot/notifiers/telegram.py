"""Happenings in a Telegram channel, threaded by story; operator and personal alerts by direct message.

Delivery guarantees:
- A story's first post is an ordinary channel post; each later happening of the story replies to it
  (the story's first message id is kept in the store, so threads survive restarts). A vote is one photo
  post: its chart (or tally bar) with the words as caption.
- A confirmation edits the post it confirms (editMessageCaption for a photo, editMessageText else); an
  edit Telegram refuses (message too old, deleted, unknown) becomes a short reply, never silence. A
  correction is a reply naming both sources.
- A notice is acked (marked sent, with its message id) only after Telegram answered. A post split into
  several messages records each sent part in `telegram_parts`, so a retry after a failure half-way
  sends only the missing parts. The one window left is a timeout after Telegram accepted a message but
  before its answer came back: that message is sent again.
- A 429 is never waited out inline: the notice stays pending with Telegram's retry_after, and only this
  channel waits (the rate limiter itself retries nothing).
- Above `burst_threshold` subscriber notices in one cycle, the channel gets one summary post instead;
  the stories it stands for thread under it.
- Operator notices go to the admins by direct message, never to the channel.
- Personal alerts (/follow) are sent after the channel post is acked, best effort and at most once: a
  follower who blocked the bot, or any failure to reach one, is logged and skipped.
"""

from __future__ import annotations

import io
import logging
import re
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from telegram import Bot, LinkPreviewOptions, Message, ReplyParameters
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

from bot.happening_text import HappeningText, as_post, describe
from bot.notifiers.base import Ack, DeliveryError, Notifier
from bot.notifiers.registry import register
from bot.notifiers.telegram_config import TelegramConfig
from bot.telegram_commands import install
from bot.telegram_format import (
    CAPTION_LIMIT,
    CONTINUED,
    MESSAGE_LIMIT,
    Chunk,
    Line,
    burst_summary,
    split,
    text_lines,
)
from bot.vote_picture import vote_png, wants_picture
from state.follows import Follows
from state.model import Notice, OutboxEntry

if TYPE_CHECKING:
    from bot.runtime import Runtime

log = logging.getLogger("hrcwatch.telegram")

_TEST_LINES = (
    Line("HRC Watch test message", "b"),
    Line("If you can read this, the bot can post to this chat."),
)
SUMMARY = "summary:"  # external id of a notice told only inside a burst summary post
_EDIT_GONE = ("message to edit not found", "message can't be edited", "message_id_invalid", "no caption")


@dataclass(frozen=True)
class Part:
    """One message of a post: text, a photo whose caption is the chunk, or a file with it as caption.

    `html` is markup made elsewhere and already escaped (a text comparison's strike and bold); the chunk
    is then its plain-text fallback.
    """

    chunk: Chunk
    photo: bytes | None = None
    html: str | None = None
    document: tuple[str, bytes] | None = None


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
        self._unrecorded: dict[tuple[int, str], dict[int, int]] = {}

    # -- lifecycle ---------------------------------------------------------------------------------

    def _build(self, polling: bool) -> Application[Any, Any, Any, Any, Any, Any]:
        seconds = self.config.timeout.total_seconds()
        limiter = AIORateLimiter(
            overall_max_rate=self.config.messages_per_second,
            group_max_rate=self.config.channel_messages_per_minute,
            max_retries=0,
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

    async def _send(self, bot: Bot, chat: str, part: Part, reply_to: int | None = None) -> Message:
        """One message; Telegram's "can't parse entities" makes it go again as plain text."""
        try:
            try:
                return await self._send_once(bot, chat, part, True, reply_to)
            except BadRequest as exc:
                if "can't parse entities" not in exc.message.lower():
                    raise
                log.warning("chat %s: Telegram could not parse our HTML (%s); sent as plain text", chat, exc)
                return await self._send_once(bot, chat, part, False, reply_to)
        except TelegramError as exc:
            retry_after = retry_after_seconds(exc) if isinstance(exc, RetryAfter) else None
            raise DeliveryError(f"telegram: {explain(exc, chat, self.config)}", retry_after) from exc

    async def _send_once(self, bot: Bot, chat: str, part: Part, html: bool, reply_to: int | None) -> Message:
        text = (part.html or part.chunk.html) if html else part.chunk.plain
        mode = ParseMode.HTML if html else None
        reply = ReplyParameters(reply_to, allow_sending_without_reply=True) if reply_to else None
        if part.document is not None:
            name, body = part.document
            return await bot.send_document(
                chat, io.BytesIO(body), filename=name, caption=text, parse_mode=mode, reply_parameters=reply
            )
        if part.photo is not None:
            try:
                return await bot.send_photo(
                    chat, io.BytesIO(part.photo), caption=text, parse_mode=mode, reply_parameters=reply
                )
            except BadRequest as exc:
                if "can't parse entities" in exc.message.lower():
                    raise
                log.warning("chat %s: photo refused (%s); sending the caption as text", chat, exc)
        return await bot.send_message(
            chat,
            text,
            parse_mode=mode,
            link_preview_options=LinkPreviewOptions(is_disabled=True),
            reply_parameters=reply,
        )

    async def _send_parts(
        self, bot: Bot, entry_id: int, chat: str, parts: Sequence[Part], reply_to: int | None = None
    ) -> int:
        """Sends the parts not yet sent for this entry and chat; returns the first part's message id.

        In a thread every part replies to the story's first post; a story's own first post is followed
        by its continuation parts as replies to it.
        """
        conn = self.runtime.store.connection()
        rows = conn.execute(
            "SELECT part, message_id FROM telegram_parts WHERE entry_id = ? AND chat = ?", (entry_id, chat)
        ).fetchall()
        done = {**dict(rows), **self._unrecorded.get((entry_id, chat), {})}
        for index, part in enumerate(parts):
            if index in done:
                continue
            target = reply_to if reply_to is not None or index == 0 else done[0]
            message = await self._send(bot, chat, part, target)
            done[index] = message.message_id
            try:
                with self.runtime.store.transaction() as tx:
                    tx.execute(
                        "INSERT OR REPLACE INTO telegram_parts VALUES (?, ?, ?, ?)",
                        (entry_id, chat, index, message.message_id),
                    )
            except sqlite3.Error:  # kept here until the store takes it: a retry must not resend it
                self._unrecorded.setdefault((entry_id, chat), {})[index] = message.message_id
                raise
        return done[0]

    def _forget_parts(self, entry_id: int) -> None:
        for key in [k for k in self._unrecorded if k[0] == entry_id]:
            del self._unrecorded[key]
        with self.runtime.store.transaction() as conn:
            conn.execute("DELETE FROM telegram_parts WHERE entry_id = ?", (entry_id,))

    def parts(self, notice: Notice, text: HappeningText | None = None) -> list[Part]:
        """The post of one notice: text messages, or for a vote its picture with the words as caption."""
        if notice.kind == "text_changes" and notice.type == "happening" and notice.facts.get("telegram_html"):
            return self._text_changes(notice)
        lines = text_lines(text or describe(notice))
        photo = vote_png(notice)
        if photo is None:
            return [Part(chunk) for chunk in split(lines, continued=CONTINUED)]
        chunks = split(lines, MESSAGE_LIMIT, first_limit=CAPTION_LIMIT, continued=CONTINUED)
        return [Part(chunks[0], photo), *(Part(chunk) for chunk in chunks[1:])]

    def _text_changes(self, notice: Notice) -> list[Part]:
        """The comparison as Telegram shows it (struck and bold words), and the whole of it as a page when
        the message could not hold every change."""
        plain = split(text_lines(describe(notice)), MESSAGE_LIMIT)[0]
        parts = [Part(plain, html=str(notice.facts["telegram_html"]))]
        document = notice.facts.get("document")
        if isinstance(document, str) and document:
            symbol = str(notice.facts.get("symbol") or "text")
            name = "".join(ch if ch.isalnum() or ch == "." else "-" for ch in f"changes {symbol}") + ".html"
            caption = Chunk((Line(f"Every change in {symbol}, as a page"),))
            parts.append(Part(caption, document=(name, document.encode("utf-8"))))
        return parts

    # -- delivery ----------------------------------------------------------------------------------

    def _thread(self, notice: Notice) -> int | None:
        """The message a notice replies to: for a correction the post it corrects, else the story's first
        post on this channel (None: the notice starts the story's thread)."""
        store = self.runtime.store
        if notice.type == "correction" and notice.happening_id is not None:
            post = store.post_of(notice.happening_id, self.kind)
            if post is not None:
                return int(post.removeprefix(SUMMARY))
        root = store.thread_root(notice.story_id, self.kind) if notice.story_id is not None else None
        return int(root.removeprefix(SUMMARY)) if root else None

    async def deliver(self, entries: Sequence[OutboxEntry], ack: Ack) -> None:
        bot = await self._bot()
        public = [e for e in entries if not e.notice.for_operators]
        burst = bool(self.config.burst_threshold) and len(public) > self.config.burst_threshold
        if burst:
            chunk = burst_summary([describe(e.notice).headline for e in public], MESSAGE_LIMIT)
            message = await self._send(bot, self.config.channel, Part(chunk))
            ack([e.id for e in public], f"{SUMMARY}{message.message_id}")
            log.info("channel %s: %d notices summarised in one post", self.config.channel, len(public))
        for entry in entries:
            notice = entry.notice
            if notice.for_operators:
                await self._to_admins(bot, entry)
                ack([entry.id])
            elif not burst:
                first = await self._to_channel(bot, entry)
                ack([entry.id], str(first))
                self._forget_parts(entry.id)
            await self._to_followers(bot, notice)

    async def _to_channel(self, bot: Bot, entry: OutboxEntry) -> int:
        notice = entry.notice
        if notice.type == "confirmed":
            edited = await self._edit(bot, notice)
            if edited is not None:
                return edited
            short = HappeningText(describe(notice).headline)
            return await self._send_parts(
                bot, entry.id, self.config.channel, self.parts_of_text(short), self._thread(notice)
            )
        return await self._send_parts(
            bot, entry.id, self.config.channel, self.parts(notice), self._thread(notice)
        )

    def parts_of_text(self, text: HappeningText) -> list[Part]:
        return [Part(chunk) for chunk in split(text_lines(text))]

    async def _edit(self, bot: Bot, notice: Notice) -> int | None:
        """Edits the happening's post to say it is confirmed; None when Telegram refuses or it is unknown."""
        post = self.runtime.store.post_of(notice.happening_id, self.kind) if notice.happening_id else None
        if post is None or post.startswith(SUMMARY):
            return None
        message_id = int(post)
        lines = text_lines(as_post(notice))
        photo = wants_picture(notice)
        chunk = split(lines, MESSAGE_LIMIT, first_limit=CAPTION_LIMIT if photo else None)[0]
        chat = self.config.channel
        try:
            try:
                if photo:
                    await bot.edit_message_caption(
                        chat, message_id, caption=chunk.html, parse_mode=ParseMode.HTML
                    )
                else:
                    await bot.edit_message_text(
                        chunk.html,
                        chat,
                        message_id,
                        parse_mode=ParseMode.HTML,
                        link_preview_options=LinkPreviewOptions(is_disabled=True),
                    )
            except BadRequest as exc:
                text = exc.message.lower()
                if "message is not modified" in text:
                    return message_id
                if any(reason in text for reason in _EDIT_GONE):
                    log.info(
                        "channel %s: cannot edit message %s (%s); replying instead", chat, message_id, exc
                    )
                    return None
                raise
        except TelegramError as exc:
            retry_after = retry_after_seconds(exc) if isinstance(exc, RetryAfter) else None
            raise DeliveryError(f"telegram: {explain(exc, chat, self.config)}", retry_after) from exc
        return message_id

    async def _to_admins(self, bot: Bot, entry: OutboxEntry) -> None:
        """An operator alert to every admin; an admin who never started the bot is logged and skipped."""
        if not self.config.admins:
            log.info("no [telegram] admins: operator alert #%d not sent by Telegram", entry.notice.id)
        parts = self.parts_of_text(describe(entry.notice))
        for admin in self.config.admins:
            try:
                await self._send_parts(bot, entry.id, str(admin), parts)
            except DeliveryError as exc:
                if not isinstance(exc.__cause__, TelegramError) or not _gone(exc.__cause__):
                    raise
                log.warning("admin %s cannot be reached (%s); start a chat with the bot", admin, exc)
        self._forget_parts(entry.id)

    async def _to_followers(self, bot: Bot, notice: Notice) -> None:
        """Personal alerts, best effort: never raises, so the channel is neither blocked nor repeated."""
        for user_id, follows in self.follows.followers(notice).items():
            because = "You follow " + ", ".join(f.label for f in follows)
            lines = [*text_lines(describe(notice)), Line(because)]
            try:
                for chunk in split(lines):
                    await self._send(bot, str(user_id), Part(chunk))
            except DeliveryError as exc:
                cause = exc.__cause__
                if isinstance(cause, TelegramError) and _gone(cause):
                    self.follows.forget_user(user_id)
                    log.info("user %s blocked the bot or is gone: their follows were removed", user_id)
                else:
                    log.warning("personal alert #%d to user %s dropped: %s", notice.id, user_id, exc)
