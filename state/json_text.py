"""The one JSON spelling the store writes: keys sorted, no spaces, text as it is (not \\u-escaped).

Sorted keys make equal values equal strings, which the store compares instead of decoding. One encoder
serves every write: a `json.dumps` call with options builds a new encoder each time.
"""

from __future__ import annotations

import json
from typing import Any

_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def dumps(value: Any) -> str:
    return _ENCODER.encode(value)
