"""Turns a TOML table into a typed dataclass, so every plugin's options are validated the same way.

Errors name the file and the key path, so an operator sees one readable line.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import types
import typing
from datetime import timedelta
from typing import Any, TypeVar

T = TypeVar("T")

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d)\s*$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
MAX_DURATION = timedelta(days=365)
_ENV_NAME = re.compile(r"^[A-Z_][A-Z0-9_]{0,127}$")


class ConfigError(Exception):
    """A configuration problem; str() is the one line shown to the operator."""


def shown(value: Any, limit: int = 80) -> str:
    """A value quoted in an error message, cut short: a 5 MB value must not make a 5 MB line."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[: limit - 1]}… ({len(text)} characters)"


def check_env_name(key: str, name: str) -> None:
    """Refuses a `*_env` value that is not an environment variable's name, without echoing it: what is
    there is most likely the secret itself, pasted in the wrong place."""
    if not _ENV_NAME.match(name):
        raise ValueError(
            f"{key}: looks like a secret, not an environment variable name (the value is not shown): "
            "put the secret in an environment variable and give its name here, like TELEGRAM_BOT_TOKEN"
        )


def parse_duration(text: str) -> timedelta:
    """'90s', '15m', '1h', '1d' -> timedelta, at most a year (zero allowed; callers bound their own).

    The cap keeps every later date computation (a schedule, a back-off) far from datetime's limits."""
    match = _DURATION.match(text) if isinstance(text, str) else None
    if not match:
        raise ValueError(f"expected a duration like '30s', '15m', '1h' or '1d', got {shown(text)}")
    seconds = float(match.group(1)) * _UNITS[match.group(2)]
    if seconds > MAX_DURATION.total_seconds():
        raise ValueError(f"{shown(text)} is too long: at most 365d")
    return timedelta(seconds=seconds)


def _type_name(tp: Any) -> str:
    if tp is timedelta:
        return "duration"
    origin = typing.get_origin(tp)
    if origin in (list, tuple):
        (arg, *_) = typing.get_args(tp) or (Any,)
        return f"list of {_type_name(arg)}"
    if origin in (typing.Union, types.UnionType):
        return " or ".join(_type_name(a) for a in typing.get_args(tp) if a is not type(None))
    if origin is typing.Literal:
        return " or ".join(repr(a) for a in typing.get_args(tp))
    return getattr(tp, "__name__", str(tp))


def _convert(value: Any, tp: Any, where: str) -> Any:
    """Checks one value against a type hint; converts durations and lists to tuples."""
    origin = typing.get_origin(tp)
    if tp is Any:
        return value
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if value is None and type(None) in typing.get_args(tp):
            return None
        for arg in args:
            try:
                return _convert(value, arg, where)
            except ConfigError:
                continue
        raise ConfigError(f"{where}: expected {_type_name(tp)}, got {shown(value)}")
    if origin is typing.Literal:
        if value not in typing.get_args(tp):
            raise ConfigError(f"{where}: expected one of {_type_name(tp)}, got {shown(value)}")
        return value
    if origin in (list, tuple):
        if not isinstance(value, list):
            raise ConfigError(f"{where}: expected {_type_name(tp)}, got {shown(value)}")
        (arg, *_) = typing.get_args(tp) or (Any,)
        return tuple(_convert(v, arg, f"{where}[{i}]") for i, v in enumerate(value))
    if tp is timedelta:
        try:
            return parse_duration(value)
        except ValueError as exc:
            raise ConfigError(f"{where}: {exc}") from None
    if tp is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if tp is int and isinstance(value, bool):
        raise ConfigError(f"{where}: expected int, got {shown(value)}")
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        if not isinstance(value, dict):
            raise ConfigError(f"{where}: expected a table, got {shown(value)}")
        return from_table(tp, value, where)
    if isinstance(tp, type) and not isinstance(value, tp):
        raise ConfigError(f"{where}: expected {_type_name(tp)}, got {shown(value)}")
    return value


def _env_value(value: Any, tp: Any, where: str) -> Any:
    """A `*_env` key names an environment variable; a wrong value may be a secret, so it is not shown."""
    try:
        return _convert(value, tp, where)
    except ConfigError:
        raise ConfigError(
            f"{where}: expected the name of an environment variable (the value is not shown)"
        ) from None


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    """A dataclass's resolved type hints: the same for every table read into it."""
    return typing.get_type_hints(cls)


def from_table(cls: type[T], table: dict[str, Any], where: str) -> T:
    """Builds dataclass `cls` from `table`; unknown keys, missing keys and wrong types are errors.

    A dataclass may define `validate(self) -> None` raising ValueError for cross-field rules.
    """
    hints = _hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls) if f.init}  # type: ignore[arg-type]
    unknown = sorted(set(table) - set(fields))
    if unknown:
        known = ", ".join(sorted(fields)) or "none"
        raise ConfigError(f"{where}: unknown key {shown(unknown[0])} (known keys: {known})")
    values: dict[str, Any] = {}
    for name, field in fields.items():
        key_where = f"{where}.{name}"
        if name in table and name.endswith("_env"):
            values[name] = _env_value(table[name], hints[name], key_where)
        elif name in table:
            values[name] = _convert(table[name], hints[name], key_where)
        elif (
            field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING  # type: ignore[misc]
        ):
            raise ConfigError(f"{where}: missing required key {shown(name)}")
    obj = cls(**values)
    validate = getattr(obj, "validate", None)
    if callable(validate):
        try:
            validate()
        except ValueError as exc:
            raise ConfigError(f"{where}: {exc}") from None
    return obj
