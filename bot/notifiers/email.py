"""Email digests: one message per recipient, daily at `digest_at` (hourly on `action_days`).

Schedule. Slots are `digest_at` each day in the configured time zone, and every hour at the same minute
on the listed action days. `due(now)` is true when the latest slot has not been served yet, or while a
digest waits for its retry; a daemon that was down sends the missed slot as soon as it is back.

Exactly-once, per recipient. A digest is pinned in the store's meta (`email.open_digest`) before the
first send: the outbox rows it holds, its slot, and the recipients that already accepted it. Rows are
acked only when every recipient has accepted it (or refused it permanently with a 5xx: sending the same
mail there again cannot succeed, it is logged and the others are not held up by it). A retry sends the
same pinned rows, only to the recipients still missing, with the same Message-ID (made once, by
`email.utils.make_msgid`, when the digest is pinned: unique even in a new store); rows that arrived
meanwhile wait for the next digest, so a digest's notices are never split or lost. The one window left
is a crash between the server's acceptance and the meta write: that recipient gets the digest twice,
with the same Message-ID (delivery is at-least-once: never lost). The drainer hands at most 500 rows at
a time, so a larger backlog goes out as consecutive digests, each complete in itself.

A failure raises DeliveryError; the drainer keeps the rows pending with back-off on the oldest one.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from bot import failpoints
from bot.delivery import BATCH as DRAIN_BATCH
from bot.email_digest import (
    MAIL_POLICY,
    Digest,
    build_message,
    new_digest_id,
    parse_address,
    plan_digest,
)
from bot.notifiers.base import Ack, DeliveryError, Notifier
from bot.notifiers.email_config import EmailConfig
from bot.notifiers.registry import register
from bot.smtp_send import SmtpFailure, SmtpSession
from bot.vote_picture import vote_png
from state.model import Notice, OutboxEntry

if TYPE_CHECKING:
    from bot.runtime import Runtime

log = logging.getLogger("hrcwatch.email")

_CLOCK = re.compile(r"^([01][0-9]|2[0-3]):([0-5][0-9])$")
_LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1"})
META_OPEN = "email.open_digest"
META_LAST_SLOT = "email.last_slot"


def latest_slot(now: datetime, digest_at: str, tz: ZoneInfo, action_days: frozenset[date]) -> datetime:
    """The latest scheduled moment at or before `now`, in `tz`."""
    hour, minute = (int(part) for part in digest_at.split(":"))
    local = now.astimezone(tz)
    for back in range(3):
        day = local.date() - timedelta(days=back)
        hours = range(24) if day in action_days else (hour,)
        slots = [datetime.combine(day, time(h, minute), tz) for h in hours]
        passed = [s for s in slots if s <= now]
        if passed:
            return max(passed)
    raise AssertionError("a daily slot always passed within three days")


@dataclass
class OpenDigest:
    """A digest being delivered: pinned rows, its slot, and who already has it."""

    digest_id: str
    entry_ids: list[int]
    slot: str
    delivered: list[str]
    refused: dict[str, str]

    @classmethod
    def load(cls, raw: str | None) -> OpenDigest | None:
        if not raw:
            return None
        data: dict[str, Any] = json.loads(raw)
        return cls(data["digest_id"], data["entry_ids"], data["slot"], data["delivered"], data["refused"])

    def dump(self) -> str:
        return json.dumps(self.__dict__, sort_keys=True)


OnResult = Callable[[str, SmtpFailure | None], None]
_PER_MESSAGE = frozenset({"recipient", "sender", "data"})


def _collect_failures(into: list[str]) -> OnResult:
    def collect(recipient: str, failure: SmtpFailure | None) -> None:
        if failure is not None:
            into.append(str(failure))

    return collect


@register
class EmailNotifier(Notifier):
    kind = "email"
    Config = EmailConfig

    def __init__(self, config: EmailConfig, runtime: Runtime):
        super().__init__(config, runtime)
        self._slot: datetime | None = None

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.config.timezone or self.runtime.config.schedule.timezone)

    @property
    def sender(self) -> Address:
        return parse_address(self.config.sender)

    def current_slot(self, now: datetime) -> datetime:
        days = frozenset(date.fromisoformat(d) for d in self.config.action_days)
        return latest_slot(now, self.config.digest_at, self.tz, days)

    def due(self, now: datetime) -> bool:
        """Due when the latest slot is unserved, or a pinned digest waits for its retry."""
        self._slot = self.current_slot(now)
        store = self.runtime.store
        if store.get_meta(META_OPEN):
            return True
        last = store.get_meta(META_LAST_SLOT)
        return last is None or datetime.fromisoformat(last) < self._slot

    async def deliver(self, entries: Sequence[OutboxEntry], ack: Ack) -> None:
        store = self.runtime.store
        slot = self._slot or self.current_slot(datetime.now(UTC))
        pin = OpenDigest.load(store.get_meta(META_OPEN))
        if not entries:
            if store.outbox_counts().get(self.kind, {}).get("pending"):
                return  # the pinned digest's oldest row waits for its retry
            if pin is not None:
                store.set_meta(META_OPEN, "")
            await self._nothing_new(slot)
            return
        by_id = {entry.id: entry for entry in entries}
        if pin is not None and not any(i in by_id for i in pin.entry_ids):
            pin = None  # acked before a crash let us clear it
        if pin is None:
            ids = [entry.id for entry in entries]
            pin = OpenDigest(new_digest_id(self.sender.domain), ids, slot.isoformat(), [], {})
            store.set_meta(META_OPEN, pin.dump())
        notices = [by_id[i].notice for i in pin.entry_ids if i in by_id]
        pinned_slot = datetime.fromisoformat(pin.slot).astimezone(self.tz)
        digest = self._plan(notices, pin.digest_id, pinned_slot)
        if not digest.items and not digest.notes:  # only operator notices, and operator_notes is off
            ack([i for i in pin.entry_ids if i in by_id], pin.digest_id)
            store.set_meta(META_OPEN, "")
            await self._nothing_new(pinned_slot)
            return
        await self._send_pinned(digest, pin)
        ack([i for i in pin.entry_ids if i in by_id], pin.digest_id)
        if len(pin.entry_ids) < DRAIN_BATCH:  # a full batch may have more behind it: send it right away
            store.set_meta(META_LAST_SLOT, pin.slot)
        store.set_meta(META_OPEN, "")
        log.info("email digest %s sent: %s", pin.digest_id, digest.summary())

    def _plan(self, notices: Sequence[Notice], digest_id: str, slot: datetime) -> Digest:
        return plan_digest(
            notices,
            digest_id=digest_id,
            slot=slot,
            domain=self.sender.domain,
            operator_notes=self.config.operator_notes,
            vote_chart=vote_png,
        )

    async def _send_each(
        self, recipients: Sequence[str], make: Callable[[str], EmailMessage], on_result: OnResult
    ) -> None:
        """One connection, one message per recipient, `on_result(recipient, failure or None)` after each.

        A refusal of one recipient, sender or message is reported and the others still go; a failure of
        the connection itself (connect, TLS, auth, timeout, drop) raises SmtpFailure and stops.
        """
        async with SmtpSession(self.config.smtp_settings()) as smtp:
            for recipient in recipients:
                try:
                    await smtp.send(
                        make(recipient), self.sender.addr_spec, parse_address(recipient).addr_spec
                    )
                except SmtpFailure as failure:
                    if failure.kind not in _PER_MESSAGE:
                        raise
                    on_result(recipient, failure)
                else:
                    on_result(recipient, None)

    async def _send_pinned(self, digest: Digest, pin: OpenDigest) -> None:
        """Sends to every recipient still missing; records each acceptance at once."""
        store = self.runtime.store
        waiting = [r for r in self.config.recipients if r not in pin.delivered and r not in pin.refused]
        failures: list[str] = []

        def record(recipient: str, failure: SmtpFailure | None) -> None:
            if failure is None:
                pin.delivered.append(recipient)
            elif failure.kind == "recipient" and failure.permanent:
                log.error("email digest %s: %s (not retried)", digest.digest_id, failure)
                pin.refused[recipient] = str(failure)
            else:
                failures.append(str(failure))
                return
            store.set_meta(META_OPEN, pin.dump())
            failpoints.reach(failpoints.DURING_DIGEST)

        if waiting:
            try:
                await self._send_each(waiting, lambda r: self._message(digest, r), record)
            except SmtpFailure as failure:
                failures.append(str(failure))
        if failures:
            raise DeliveryError(f"email digest {digest.digest_id}: " + "; ".join(failures))
        if not pin.delivered:
            pin.refused.clear()
            store.set_meta(META_OPEN, pin.dump())
            raise DeliveryError(f"email digest {digest.digest_id}: every recipient was refused")

    def _message(self, digest: Digest, recipient: str) -> EmailMessage:
        return build_message(
            digest,
            sender=self.sender,
            recipient=recipient,
            unsubscribe=self.config.unsubscribe,
            prefix=self.config.subject_prefix,
            now=datetime.now(UTC),
        )

    async def _nothing_new(self, slot: datetime) -> None:
        """Marks the slot served; with send_empty, says so by mail (once: an outage is not retried)."""
        store = self.runtime.store
        store.set_meta(META_LAST_SLOT, slot.isoformat())
        if not self.config.send_empty:
            return
        digest = self._plan([], new_digest_id(self.sender.domain), slot)
        errors: list[str] = []
        try:
            await self._send_each(
                self.config.recipients, lambda r: self._message(digest, r), _collect_failures(errors)
            )
        except SmtpFailure as failure:
            errors.append(str(failure))
        if errors:
            raise DeliveryError("email 'nothing new' notice not sent (not retried): " + "; ".join(errors))

    async def test_message(self) -> str:
        """`test-notify email`: a short message to every recipient; DeliveryError says what failed."""
        refused: list[str] = []
        try:
            await self._send_each(self.config.recipients, self._test_message, _collect_failures(refused))
        except SmtpFailure as failure:
            raise DeliveryError(str(failure)) from None
        if refused:
            raise DeliveryError("; ".join(refused))
        return f"test message accepted by {self.config.host} for {', '.join(self.config.recipients)}"

    def _test_message(self, recipient: str) -> EmailMessage:
        msg = EmailMessage(policy=MAIL_POLICY)
        msg["Subject"] = f"{self.config.subject_prefix}: test message"
        msg["From"] = self.sender
        msg["To"] = recipient
        msg["Date"] = format_datetime(datetime.now(UTC))
        msg["Message-ID"] = make_msgid("test", domain=self.sender.domain)
        msg["Auto-Submitted"] = "auto-generated"
        msg.set_content(
            "This is a test message from HRC Watch.\n"
            f"Digests go to this address at {self.config.digest_at} ({self.tz.key}).\n"
        )
        return msg
