"""Scrapy settings: polite by default, bounded in size and time, TLS verified.

Per-source overrides come from `politeness:` in config/sources.yml.
"""

from __future__ import annotations

from typing import Any

from crawlers.registry import Source

# The longest Retry-After we wait out (never longer than the source's own timeout).
RETRY_AFTER_MAX_S = 120.0
USER_AGENT = "ExportWatch/0.1 (+https://github.com/exportwatch/exportwatch; export-control change monitor)"


def scrapy_settings(source: Source, out_dir: str, *, mirror: str | None) -> dict[str, Any]:
    p = source.politeness
    settings: dict[str, Any] = {
        "BOT_NAME": "exportwatch",
        "USER_AGENT": p.user_agent or USER_AGENT,
        # robots.txt: obeyed by default. Scrapy fails open when robots.txt cannot be fetched
        # (a 5xx or a timeout lets the crawl go on); we accept that, since regulators' sites
        # often serve no robots.txt at all, and record the fetch failure in the crawl log.
        "ROBOTSTXT_OBEY": p.obey_robots,
        "CONCURRENT_REQUESTS": 4,
        "CONCURRENT_REQUESTS_PER_DOMAIN": p.concurrency,
        "DOWNLOAD_DELAY": 0.0 if mirror else p.download_delay,
        "AUTOTHROTTLE_ENABLED": not mirror,
        "AUTOTHROTTLE_START_DELAY": p.download_delay,
        "AUTOTHROTTLE_TARGET_CONCURRENCY": 1.0,
        "DOWNLOAD_TIMEOUT": p.timeout_s,
        # Size limits apply to the decompressed body, which also stops gzip bombs.
        "DOWNLOAD_MAXSIZE": p.max_bytes,
        "DOWNLOAD_WARNSIZE": p.max_bytes // 2,
        "RETRY_ENABLED": True,
        "RETRY_TIMES": 3,
        "RETRY_HTTP_CODES": [500, 502, 503, 504, 522, 524, 408, 429],
        # RetryMiddleware (550) ignores Retry-After; ours (560: sees the response first) waits
        # what a 429/503 asks, up to EXPORTWATCH_RETRY_AFTER_MAX seconds.
        "DOWNLOADER_MIDDLEWARES": {"crawlers.middlewares.RetryAfterMiddleware": 560},
        "EXPORTWATCH_RETRY_AFTER_MAX": min(p.timeout_s, RETRY_AFTER_MAX_S),
        "HTTPERROR_ALLOW_ALL": True,  # the spider records every status instead of dropping it
        "REDIRECT_MAX_TIMES": 5,
        "COOKIES_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "HTTPCACHE_ENABLED": False,  # listing pages must be fetched fresh: new documents appear
        # Verify server certificates against the platform trust store (Scrapy's default does not).
        "DOWNLOADER_CLIENTCONTEXTFACTORY": "scrapy.core.downloader.contextfactory.BrowserLikeContextFactory",
        "ITEM_PIPELINES": {"crawlers.pipelines.SaveFetchPipeline": 100},
        "EXPORTWATCH_OUT_DIR": out_dir,
        "LOG_LEVEL": "WARNING",
        "REQUEST_FINGERPRINTER_IMPLEMENTATION": "2.7",
    }
    return settings
