"""Entry point of the child process that runs one crawl (`python -m crawlers.child ARGS_JSON`).

Twisted's reactor cannot be restarted in a process, so every crawl gets a fresh process.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any


def main(argv: list[str]) -> int:
    args = json.loads(argv[1])
    from scrapy.crawler import CrawlerProcess

    from crawlers.registry import Source
    from crawlers.settings import scrapy_settings
    from crawlers.spiders import spider_for

    source = Source.model_validate_json(args["source_json"])
    process = CrawlerProcess(scrapy_settings(source, args["out_dir"], mirror=args.get("mirror")),
                             install_root_handler=True)
    crawler = process.create_crawler(spider_for(source.format))
    process.crawl(crawler, source_json=args["source_json"], out_dir=args["out_dir"],
                  mirror=args.get("mirror"), date=args.get("date"))
    process.start()
    stats: dict[str, Any] = {k: v for k, v in (crawler.stats.get_stats() or {}).items()
                             if isinstance(v, int | float | str)}
    Path(args["out_dir"], "stats.json").write_text(json.dumps(stats, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
