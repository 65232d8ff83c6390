"""The least a Python process does for one cycle of the kit: `python bench/floor_cycle.py PORT ROUTE DB`.

A reference for the figures, not a watcher: the same libraries' work with nothing of HRC Watch's own.
Each of the 50 pages is fetched with urllib3 (conditionally, from the validators kept in SQLite); a page
that answers 200 with a body unlike the last one (by hash) is parsed by lxml, and the text of each of its
table rows is written to SQLite (WAL, synchronous NORMAL, as the store), one row each: urlwatch's
`css: tr` + `html2text`, without the diff. What this
costs is the floor under any Python tool built on urllib3, lxml and sqlite3 (docs/PERFORMANCE.md).
"""

from __future__ import annotations

import hashlib
import sqlite3
import sys

import urllib3
from lxml import etree

PAGES = 50


def main(port: int, route: str, database: str) -> None:
    db = sqlite3.connect(database)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = NORMAL")
    db.execute("CREATE TABLE IF NOT EXISTS pages (url TEXT PRIMARY KEY, etag TEXT, hash TEXT)")
    db.execute("CREATE TABLE IF NOT EXISTS rows (url TEXT, text TEXT)")
    db.execute("CREATE INDEX IF NOT EXISTS rows_by_url ON rows (url)")
    pool = urllib3.PoolManager()
    for number in range(PAGES):
        url = f"http://127.0.0.1:{port}/{route}/page-{number:02d}.html"
        found = db.execute("SELECT etag, hash FROM pages WHERE url = ?", (url,)).fetchone()
        answer = pool.request("GET", url, headers={"If-None-Match": found[0]} if found and found[0] else {})
        digest = hashlib.sha256(answer.data).hexdigest()
        if answer.status == 200 and not (found and found[1] == digest):
            root = etree.fromstring(answer.data, etree.HTMLParser(encoding="utf-8"))
            rows = [etree.tostring(row, method="text", encoding="unicode") for row in root.iter("tr")]
            with db:
                db.execute("DELETE FROM rows WHERE url = ?", (url,))
                db.executemany("INSERT INTO rows VALUES (?, ?)", [(url, text) for text in rows])
                etag = answer.headers.get("ETag")
                db.execute("INSERT OR REPLACE INTO pages VALUES (?, ?, ?)", (url, etag, digest))


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2], sys.argv[3])
