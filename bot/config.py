"""config.toml -> a validated AppConfig. Anything wrong is a ConfigError naming the file and the key."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.council_calendar import CouncilCalendar
from bot.notifiers.base import NotifierConfig
from bot.notifiers.registry import config_classes
from bot.typed_config import ConfigError, from_table, shown
from watchers.fetch import HttpConfig
from watchers.redirects import allowed_entry
from watchers.registry import UnknownKind, load_kind
from watchers.texts.config import TextsConfig


@dataclass(frozen=True)
class StoreConfig:
    path: str = "var/hrcwatch.sqlite3"


@dataclass(frozen=True)
class ScheduleConfig:
    timezone: str = "UTC"
    jitter: timedelta = timedelta(seconds=30)
    deliver_every: timedelta = timedelta(seconds=15)
    failure_alert_after: int = 3
    remove_after: int = 3
    max_backoff: timedelta = timedelta(hours=6)
    shrink_guard: float = 0.5
    fast_every: timedelta = timedelta(minutes=1)
    action_days: tuple[str, ...] = ()
    session_ends: tuple[str, ...] = ()

    def validate(self) -> None:
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"timezone: unknown time zone {shown(self.timezone)}") from None
        if self.failure_alert_after < 1 or self.remove_after < 1:
            raise ValueError("failure_alert_after and remove_after must be at least 1")
        if not 0 < self.shrink_guard < 1:
            raise ValueError(f"shrink_guard: expected a share between 0 and 1, got {self.shrink_guard}")
        for name in ("deliver_every", "max_backoff"):
            if getattr(self, name) <= timedelta(0):
                raise ValueError(f"{name} must be more than 0s")
        if self.fast_every < timedelta(seconds=10):
            raise ValueError(
                f"fast_every: polling more often than every 10s is impolite, got {self.fast_every}"
            )
        for name in ("action_days", "session_ends"):
            for day in getattr(self, name):
                try:
                    date.fromisoformat(day)
                except ValueError:
                    raise ValueError(f"{name}: expected dates like '2026-04-02', got {shown(day)}") from None

    @property
    def calendar(self) -> CouncilCalendar:
        """The days the Council acts, as the config gives them."""
        return CouncilCalendar.of(self.action_days, self.session_ends)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


@dataclass(frozen=True)
class HealthConfig:
    """The operator endpoint: /healthz and /metrics on a local port (0 = off)."""

    host: str = "127.0.0.1"
    port: int = 0
    outbox_max_age: timedelta = timedelta(minutes=15)

    def validate(self) -> None:
        if not 0 <= self.port <= 65535:
            raise ValueError(f"port: expected 0-65535, got {self.port}")
        if self.outbox_max_age <= timedelta(0):
            raise ValueError("outbox_max_age must be more than 0s")


@dataclass(frozen=True)
class SourceConfig:
    """A [[sources]] table: the common keys; the rest go to the kind's Options dataclass."""

    name: str
    kind: str
    url: str
    every: timedelta
    enabled: bool = True
    announce_existing: bool = False
    allow_redirects_to: tuple[str, ...] = ()
    fast: bool = False
    options: Any = None

    def validate(self) -> None:
        if self.every < timedelta(seconds=10):
            raise ValueError(f"every: polling more often than every 10s is impolite, got {self.every}")
        if not self.url.startswith(("http://", "https://")):
            raise ValueError(f"url: expected an http(s) URL, got {shown(self.url)}")
        for host in self.allow_redirects_to:
            if allowed_entry(host) is None:
                raise ValueError(f"allow_redirects_to: expected a host or host:port, got {shown(host)}")


_SOURCE_KEYS = {"name", "kind", "url", "every", "enabled", "announce_existing", "allow_redirects_to", "fast"}


@dataclass(frozen=True)
class AppConfig:
    path: Path
    store: StoreConfig
    http: HttpConfig
    schedule: ScheduleConfig
    sources: tuple[SourceConfig, ...]
    health: HealthConfig = field(default_factory=HealthConfig)
    notifiers: dict[str, NotifierConfig] = field(default_factory=dict)
    texts: TextsConfig = field(default_factory=TextsConfig)

    @property
    def store_path(self) -> Path:
        """Relative store paths are relative to the config file, so `--config` works from anywhere."""
        path = Path(self.store.path)
        return path if path.is_absolute() else self.path.parent / path

    def source(self, name: str) -> SourceConfig:
        for source in self.sources:
            if source.name == name:
                return source
        known = ", ".join(s.name for s in self.sources) or "none"
        raise ConfigError(f"{self.path}: no source named {shown(name)} (sources: {known})")

    @property
    def channels(self) -> tuple[str, ...]:
        return tuple(kind for kind, cfg in self.notifiers.items() if cfg.enabled)

    def require_sources(self) -> None:
        """`run` and `poll` need something to poll; other commands (status, test-notify) do not."""
        if not any(source.enabled for source in self.sources):
            raise ConfigError(f"{self.path}: no sources: add a [[sources]] table, or enable one")


def _source(table: Any, index: int, where: str) -> SourceConfig:
    where = f"{where}: sources[{index}]"
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: expected a table")
    common = {k: v for k, v in table.items() if k in _SOURCE_KEYS}
    base = from_table(SourceConfig, common, where)
    try:
        kind = load_kind(base.kind)
    except UnknownKind as exc:
        raise ConfigError(f"{where}.kind: {exc}") from None
    try:
        kind.check_url(base.url)
    except ValueError as exc:
        raise ConfigError(f"{where} ({base.name}).url: {exc}") from None
    extra = {k: v for k, v in table.items() if k not in _SOURCE_KEYS}
    options = from_table(kind.Options, extra, f"{where} ({base.name})")
    return SourceConfig(**{**base.__dict__, "options": options})


def load_config(path: Path | str) -> AppConfig:
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such file") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read it: {exc.strerror}") from None
    where = str(path)
    if not raw:
        raise ConfigError(f"{where}: empty: no sources and no settings (see config.toml in the repository)")
    notifier_kinds = config_classes()
    known = {"store", "http", "schedule", "health", "sources", "texts", *notifier_kinds}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise ConfigError(f"{where}: unknown section [{unknown[0]}] (known: {', '.join(sorted(known))})")
    for section in ("store", "http", "schedule", "health", "texts", *notifier_kinds):
        if section in raw and not isinstance(raw[section], dict):
            raise ConfigError(f"{where}: {section} must be a [{section}] table")
    sources_raw = raw.get("sources", [])
    if not isinstance(sources_raw, list):
        raise ConfigError(f"{where}: sources must be an array of tables ([[sources]])")
    sources = tuple(_source(t, i, where) for i, t in enumerate(sources_raw))
    names = [s.name for s in sources]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ConfigError(f"{where}: two sources are named {shown(duplicates[0])}")
    notifiers = {
        kind: from_table(cls, raw.get(kind, {}), f"{where}: [{kind}]") for kind, cls in notifier_kinds.items()
    }
    return AppConfig(
        path=path.resolve(),
        store=from_table(StoreConfig, raw.get("store", {}), f"{where}: [store]"),
        http=from_table(HttpConfig, raw.get("http", {}), f"{where}: [http]"),
        schedule=from_table(ScheduleConfig, raw.get("schedule", {}), f"{where}: [schedule]"),
        sources=sources,
        health=from_table(HealthConfig, raw.get("health", {}), f"{where}: [health]"),
        notifiers=notifiers,
        texts=from_table(TextsConfig, raw.get("texts", {}), f"{where}: [texts]"),
    )
