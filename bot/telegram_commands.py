"""Bot commands in private chats. Every answer comes from the store (or the daemon's controls).

Subscriber commands: /start /help /latest /doc /vote /session /diff /follow /unfollow /following.
Operator commands (user ids in [telegram] admins): /status /pause /resume /poll; anyone else gets a
polite refusal and nothing happens.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any

from telegram import BotCommand, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import Application, CommandHandler, ContextTypes, filters

from bot.happening_text import ACTION_WORDS, HappeningText, describe, short, tell
from bot.telegram_diff import diff_service
from bot.telegram_format import CAPTION_LIMIT, MESSAGE_LIMIT, Line, split, text_lines
from bot.typed_config import ConfigError
from bot.vote_chart import render_vote_chart
from bot.vote_picture import vote_of
from state.follows import Follows, parse_follow
from state.happenings import StoryInfo
from state.store import StoredHappening
from state.vote_history import VoteHistory
from watchers.symbols import Symbol, parse_symbol
from watchers.votes.model import Vote

if TYPE_CHECKING:
    from bot.runtime import Runtime

log = logging.getLogger("hrcwatch.telegram")

Handler = Callable[[Update, ContextTypes.DEFAULT_TYPE], Awaitable[None]]
MAX_LATEST = 20
PUBLIC_COMMANDS = (
    ("latest", "Latest alerts: /latest 5"),
    ("doc", "A draft's story so far: /doc A/HRC/61/L.13"),
    ("vote", "A recorded vote: /vote A/HRC/61/L.13"),
    ("session", "Drafts of a session and their status: /session 61"),
    ("diff", "What a text changes: /diff A/HRC/61/L.13/Rev.1 [OTHER]"),
    ("follow", "Personal alerts: /follow Belarus, /follow A/HRC/61/L.13, /follow climate change"),
    ("unfollow", "Stop a personal alert: /unfollow 2, /unfollow all"),
    ("following", "What you follow"),
    ("help", "What this bot can do"),
)
OPERATOR_COMMANDS = (
    ("status", "Sources and outbox"),
    ("pause", "Stop polling a source: /pause SOURCE"),
    ("resume", "Poll a source again: /resume SOURCE"),
    ("poll", "Poll now: /poll [SOURCE]"),
)
REFUSAL = "Sorry, that command is for the operators of this bot."
_OUTCOME_WORDS = {"ok": "read", "not_modified": "unchanged since the last poll"}
SORRY = "Sorry, something went wrong; the operators have been told."


def _symbol_arg(args: Sequence[str]) -> Symbol | None:
    return parse_symbol(" ".join(args)) if args else None


class Commands:
    """Handlers bound to one runtime; `admins` may run the operator commands."""

    def __init__(self, runtime: Runtime, follows: Follows, admins: Sequence[int]):
        self.runtime = runtime
        self.store = runtime.store
        self.follows = follows
        self.admins = frozenset(admins)
        self.history = VoteHistory(runtime.store.connection)
        self.diffs = diff_service(runtime, self.history)

    # -- plumbing ----------------------------------------------------------------------------------

    async def _reply(self, update: Update, lines: Sequence[Line]) -> None:
        message = update.effective_message
        if message is None:
            return
        for chunk in split(lines, MESSAGE_LIMIT):
            await message.reply_text(
                chunk.html,
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )

    async def _say(self, update: Update, *texts: str) -> None:
        await self._reply(update, [Line(text) for text in texts])

    def _operator(self, handler: Handler) -> Handler:
        async def guarded(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
            user = update.effective_user
            if user is None or user.id not in self.admins:
                log.info("operator command refused for user %s", user.id if user else "?")
                await self._say(update, REFUSAL)
                return
            await handler(update, context)

        return guarded

    def handlers(self) -> list[CommandHandler[Any, Any]]:
        private = filters.ChatType.PRIVATE
        public: dict[str, Handler] = {
            "start": self.help,
            "help": self.help,
            "latest": self.latest,
            "doc": self.doc,
            "vote": self.vote,
            "session": self.session,
            "diff": self.diff,
            "follow": self.follow,
            "unfollow": self.unfollow,
            "following": self.following,
        }
        operator: dict[str, Handler] = {
            "status": self.status,
            "pause": self.pause,
            "resume": self.resume,
            "poll": self.poll,
        }
        # /poll runs a whole cycle: as its own task, so that everyone else is answered meanwhile.
        return [CommandHandler(name, handler, filters=private) for name, handler in public.items()] + [
            CommandHandler(name, self._operator(handler), filters=private, block=name != "poll")
            for name, handler in operator.items()
        ]

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A handler that raised: logged once with its traceback (PTB logs nothing itself once an error
        handler exists), and the user who asked is told rather than left without an answer."""
        command = ""
        if isinstance(update, Update) and update.effective_message is not None:
            command = (update.effective_message.text or "").split(" ", 1)[0][:40]
        log.error("command %s failed", command or "(no message)", exc_info=context.error)
        if not isinstance(update, Update) or update.effective_message is None:
            return
        try:
            await update.effective_message.reply_text(SORRY)
        except TelegramError as exc:
            log.warning("could not tell the user that %s failed: %s", command, exc)

    # -- subscribers -------------------------------------------------------------------------------

    async def help(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        lines = [
            Line("HRC Watch", "b"),
            Line("Alerts on the Human Rights Council's draft resolutions, votes and meetings."),
        ]
        lines += [Line(f"/{name} — {text}") for name, text in PUBLIC_COMMANDS]
        user = update.effective_user
        if user is not None and user.id in self.admins:
            lines.append(Line("Operator commands", "b"))
            lines += [Line(f"/{name} — {text}") for name, text in OPERATOR_COMMANDS]
        await self._reply(update, lines)

    async def latest(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        args = context.args or []
        count = int(args[0]) if args and args[0].isdigit() else 5
        count = max(1, min(count, MAX_LATEST))
        notices = self.store.notices(limit=count)
        if not notices:
            await self._say(update, "Nothing yet: no alert has been recorded.")
            return
        lines: list[Line] = []
        for notice in notices:
            if lines:
                lines.append(Line(""))
            lines.append(Line(f"{notice.created_at:%d %b %Y %H:%M} UTC", "i"))
            lines.extend(text_lines(describe(notice)))
        await self._reply(update, lines)

    def _story(self, symbol: Symbol) -> StoryInfo | None:
        return self.store.story_of(symbol.normalised) or self.store.story_of(symbol.family)

    async def doc(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        symbol = _symbol_arg(context.args or [])
        if symbol is None:
            await self._say(update, "Send a symbol, for example: /doc A/HRC/61/L.13")
            return
        story = self._story(symbol)
        if story is None:
            await self._say(update, f"{symbol.normalised} has not been seen by any source yet.")
            return
        lines = [Line(story.anchor, "b")]
        if story.title:
            lines.append(Line(short(story.title, 2000)))
        happenings = self.store.happenings(story.id)
        links: dict[str, str] = {}
        for happening in happenings:
            told = _told(story, happening)
            lines.append(Line(f"{happening.created_at:%d %b %Y} — {told.headline}"))
            links.update({label: url for label, url in told.links if label not in links})
        lines.extend(Line(label, href=url) for label, url in links.items())
        if not happenings:
            lines.append(Line("Nothing has happened to it yet that a source reported.", "i"))
        if any(h.kind in ("action", "roll_call") and h.facts.get("yes") is not None for h in happenings):
            lines.append(Line(f"The vote: /vote {story.anchor}"))
        await self._reply(update, lines)

    async def vote(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        args = context.args or []
        symbol = _symbol_arg(args)
        if symbol is None:
            await self._say(update, "Send a symbol, for example: /vote A/HRC/61/L.13")
            return
        story = self._story(symbol)
        told = {h.kind: h for h in self.store.happenings(story.id)} if story else {}
        action, roll_call = told.get("action"), told.get("roll_call")
        if story is not None and (roll_call or (action and action.facts.get("yes") is not None)):
            lines: list[Line] = []
            facts: dict[str, Any] = {}
            for happening in (action, roll_call):
                if happening is not None:
                    lines.extend(text_lines(_told(story, happening)))
                    facts = {**happening.facts, **facts}
            await self._reply_photo(update, lines, vote_of(facts))
            return
        found = [v for v in self.history.all_votes() if symbol.normalised in (v.symbol, v.draft_symbol)]
        if not found:
            await self._say(update, f"No recorded vote on {symbol.normalised} is known.")
            return
        vote = found[-1]
        past = StoryInfo(
            0, vote.draft_symbol or vote.symbol or symbol.normalised, vote.title or "", vote.session
        )
        outcome = "adopted_by_vote" if vote.outcome == "adopted" else vote.outcome or "voted"
        facts = {
            **vote.to_json(),
            "acted_on": vote.draft_symbol,
            "adopted_as": vote.symbol,
            "outcome": outcome,
        }
        text = tell("action", past.as_json(), facts, str(vote.source), official=True)
        await self._reply_photo(update, text_lines(text), vote)

    async def _reply_photo(self, update: Update, lines: list[Line], vote: Vote) -> None:
        message = update.effective_message
        if message is None:
            return
        png = io.BytesIO()
        render_vote_chart(vote, png)
        chunks = split(lines, MESSAGE_LIMIT, first_limit=CAPTION_LIMIT)
        await message.reply_photo(png.getvalue(), caption=chunks[0].html, parse_mode=ParseMode.HTML)
        if len(chunks) > 1:
            await self._reply(update, [line for chunk in chunks[1:] for line in chunk.lines])

    async def session(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        args = context.args or []
        probe = parse_symbol(f"A/HRC/{args[0]}/L.1") if args else None
        if probe is None:
            await self._say(update, "Send a session number, for example: /session 61 or /session S-36")
            return
        drafts = self.store.items(kind="document", key_prefix=f"A/HRC/{probe.session}/L.")
        actions = {
            story.anchor: h.facts
            for item in drafts
            if (story := self.store.story_of(item.key)) is not None and story.anchor == item.key
            for h in self.store.happenings(story.id)
            if h.kind == "action"
        }
        drafts.sort(key=lambda i: s.sort_key if (s := parse_symbol(i.key)) else ())
        if not drafts:
            await self._say(update, f"No draft of session {probe.session} has been seen yet.")
            return
        lines = [Line(f"Session {probe.session}: {len(drafts)} drafts", "b")]
        for item in drafts:
            outcome = actions.get(item.key, {}).get("outcome")
            status = ACTION_WORDS.get(str(outcome), "tabled") if outcome else "tabled"
            title = " ".join(str(item.fields.get("title") or "").split())[:200]
            lines.append(Line(f"{item.key} — {title} ({status})" if title else f"{item.key} ({status})"))
        await self._reply(update, lines)

    async def diff(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message is None:
            return
        answer = await self.diffs.answer(context.args or [])
        await message.reply_text(answer.html, parse_mode=ParseMode.HTML)
        if answer.document is not None:
            await message.reply_document(answer.document, filename=answer.filename)

    async def follow(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        user = update.effective_user
        parsed = parse_follow(" ".join(context.args or []))
        if user is None or parsed is None:
            await self._say(
                update,
                "Follow a symbol, a country or words, for example:",
                "/follow A/HRC/61/L.13",
                "/follow Belarus",
                "/follow freedom of expression",
            )
            return
        kind, value, label = parsed
        if not self.follows.add(user.id, kind, value, label):
            await self._say(
                update, f"You already follow {label}, or follow too many things (see /following)."
            )
            return
        what = {"symbol": "document", "country": "country", "words": "words"}[kind]
        await self._say(update, f"Following {what} {label}. Matching alerts will come here as messages.")

    async def unfollow(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        user = update.effective_user
        if user is None:
            return
        args = context.args or []
        current = self.follows.of(user.id)
        if not args:
            await self._say(update, "Send /unfollow N (the number in /following), or /unfollow all.")
            return
        text = " ".join(args)
        if text.lower() == "all":
            chosen = current
        elif text.isdigit() and 1 <= int(text) <= len(current):
            chosen = [current[int(text) - 1]]
        else:
            parsed = parse_follow(text)
            chosen = [f for f in current if parsed and (f.kind, f.value) == parsed[:2]]
        if not chosen:
            await self._say(update, f"You do not follow {text}. See /following.")
            return
        self.follows.remove(user.id, chosen)
        await self._say(update, "Stopped following " + ", ".join(f.label for f in chosen) + ".")

    async def following(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        user = update.effective_user
        current = self.follows.of(user.id) if user else []
        if not current:
            await self._say(update, "You follow nothing yet. Try /follow Belarus or /follow A/HRC/61/L.13.")
            return
        lines = [Line("You follow", "b")]
        lines += [Line(f"{n}. {f.label} ({f.kind})") for n, f in enumerate(current, 1)]
        await self._reply(update, lines)

    # -- operators ---------------------------------------------------------------------------------

    async def status(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        lines = [Line("Sources", "b")]
        for health in self.store.health().values():
            state = "paused" if health.paused else (health.last_outcome or "never polled")
            last = f", last success {health.last_success:%d %b %H:%M} UTC" if health.last_success else ""
            failing = (
                f", {health.consecutive_failures} failures in a row" if health.consecutive_failures else ""
            )
            items = f"{health.item_count} item{'' if health.item_count == 1 else 's'}"
            lines.append(Line(f"{health.name}: {state}, {items}{last}{failing}"))
            if health.consecutive_failures and health.last_error:
                lines.append(Line(f"  last error: {health.last_error[:300]}", "i"))
        if len(lines) == 1:
            lines.append(Line("No source has been polled yet."))
        lines.append(Line("Outbox", "b"))
        for channel, counts in sorted(self.store.outbox_counts().items()):
            sent, pending, failed = counts["sent"], counts["pending"], counts["failed"]
            lines.append(Line(f"{channel}: {sent} sent, {pending} pending ({failed} retrying)"))
        await self._reply(update, lines)

    async def _set_paused(self, update: Update, context: ContextTypes.DEFAULT_TYPE, paused: bool) -> None:
        verb = "pause" if paused else "resume"
        controls = self.runtime.controls
        if not context.args:
            names = ", ".join(s.name for s in self.runtime.config.sources) or "none"
            await self._say(update, f"Send /{verb} SOURCE (sources: {names}).")
            return
        if controls is None:
            await self._say(update, "Not available: this process does not run the scheduler.")
            return
        name = context.args[0]
        try:
            if paused:
                controls.pause(name)
            else:
                controls.resume(name)
        except ConfigError:
            names = ", ".join(s.name for s in self.runtime.config.sources) or "none"
            await self._say(update, f"No source named {name} (sources: {names}).")
            return
        await self._say(update, f"Source {name} {'paused' if paused else 'resumed'}.")

    async def pause(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self._set_paused(update, context, True)

    async def resume(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self._set_paused(update, context, False)

    async def poll(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        controls = self.runtime.controls
        if controls is None:
            await self._say(update, "Not available: this process does not run the scheduler.")
            return
        source = context.args[0] if context.args else None
        await self._say(update, f"Polling {source or 'every source'}…")
        try:
            reports = await controls.poll_now(source)
        except ConfigError as exc:
            await self._say(update, str(exc))
            return
        lines = [
            Line(
                f"{r.source}: {_OUTCOME_WORDS.get(r.outcome, r.outcome)}, {r.items} items,"
                f" {r.events} new alerts" + (f" — {r.message}" if r.message else "")
            )
            for r in reports
        ]
        await self._reply(update, lines or [Line("No source is enabled.")])


def _told(story: StoryInfo, happening: StoredHappening) -> HappeningText:
    """A stored happening in the words its notice used."""
    report = happening.reports.get(happening.source, {})
    label = str(report.get("label") or happening.source)
    return tell(happening.kind, story.as_json(), happening.facts, label, int(report.get("authority", 0)) >= 1)


async def install(
    app: Application[Any, Any, Any, Any, Any, Any], runtime: Runtime, follows: Follows, admins: Sequence[int]
) -> None:
    """Adds the handlers and publishes the command menu."""
    commands = Commands(runtime, follows, admins)
    app.add_handlers(commands.handlers())
    app.add_error_handler(commands.on_error)
    await app.bot.set_my_commands([BotCommand(name, text[:256]) for name, text in PUBLIC_COMMANDS])
