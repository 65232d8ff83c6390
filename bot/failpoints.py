"""Named points where a test can make the process die as a SIGKILL would (HRCWATCH_FAILPOINT=name).

Each sits at one commit boundary of the bot, so a test can prove that a crash exactly there loses and
repeats nothing (tests/test_crash_points.py). With the variable unset, `reach` is one lookup.
"""

from __future__ import annotations

import os
import signal

AFTER_FETCH = "after_fetch"  # pages fetched and parsed, nothing recorded
AFTER_APPLY = "after_apply"  # the snapshot, its notices and its page cache committed, nothing sent
BEFORE_ACK = "before_ack"  # a channel confirmed a send, its ack not yet written
DURING_DIGEST = "during_digest"  # one recipient accepted a digest (recorded), the others not yet


def reach(name: str) -> None:
    if os.environ.get("HRCWATCH_FAILPOINT") == name:
        os.kill(os.getpid(), signal.SIGKILL)
