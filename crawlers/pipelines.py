"""Item pipeline: write each fetched document to the crawl's output directory.

The crawl runs in a child process; the parent reads this directory and stores snapshots in the
store of record, so a crawl killed half-way leaves only a temporary directory behind.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

FETCHES = "fetches.jsonl"


class SaveFetchPipeline:
    def __init__(self, out_dir: str) -> None:
        self.out = Path(out_dir)

    @classmethod
    def from_crawler(cls, crawler: Any) -> SaveFetchPipeline:
        return cls(crawler.settings.get("EXPORTWATCH_OUT_DIR"))

    def process_item(self, item: dict[str, Any], spider: Any = None) -> dict[str, Any]:
        body: bytes = item.pop("body")
        sha = hashlib.sha256(body).hexdigest()
        (self.out / sha).write_bytes(body)
        record = {**item, "sha256": sha, "size": len(body)}
        with (self.out / FETCHES).open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(record) + "\n")
        return record
