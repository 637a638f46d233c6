"""Downloader middlewares of our own (enabled in crawlers/settings.py)."""

from __future__ import annotations

import datetime as dt
import email.utils
import logging
from typing import Any

from scrapy.http import Request, Response
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.task import deferLater

logger = logging.getLogger(__name__)


class RetryAfterMiddleware:
    """Honour `Retry-After` on a 429 or 503 before RetryMiddleware retries it.

    Enable it with an order above RetryMiddleware's 550, so that it sees the response first.

    Scrapy's RetryMiddleware retries those codes at once and ignores the header, so a throttling
    server sees the retries arrive in the same second. We wait what the server asks, up to
    `EXPORTWATCH_RETRY_AFTER_MAX` seconds; a longer wait means "not today": the request is not
    retried and the spider records the status as an error.
    """

    def __init__(self, max_wait_s: float, retry_times: int, retry_codes: set[int]) -> None:
        self.max_wait_s = max_wait_s
        self.retry_times = retry_times
        self.retry_codes = retry_codes

    @classmethod
    def from_crawler(cls, crawler: Any) -> RetryAfterMiddleware:
        s = crawler.settings
        return cls(s.getfloat("EXPORTWATCH_RETRY_AFTER_MAX"), s.getint("RETRY_TIMES"),
                   {int(c) for c in s.getlist("RETRY_HTTP_CODES")})

    async def process_response(self, request: Request, response: Response,
                               spider: Any = None) -> Response:
        if response.status not in (429, 503) or response.status not in self.retry_codes:
            return response
        if request.meta.get("dont_retry") or not self._retries_left(request):
            return response
        wait = retry_after_seconds(response.headers.get(b"Retry-After"))
        if wait is None or wait <= 0:
            return response
        if wait > self.max_wait_s:
            logger.warning("%s asked to retry after %.0f s, more than %.0f s: not retrying",
                           request.url, wait, self.max_wait_s)
            request.meta["dont_retry"] = True
            return response
        from twisted.internet import reactor  # the one Scrapy installed; never import it early

        await maybe_deferred_to_future(deferLater(reactor, wait, lambda: None))
        return response

    def _retries_left(self, request: Request) -> bool:
        limit = request.meta.get("max_retry_times", self.retry_times)
        return int(request.meta.get("retry_times", 0)) < int(limit)


def retry_after_seconds(value: bytes | None, now: dt.datetime | None = None) -> float | None:
    """Seconds a Retry-After header asks for (delta-seconds or an HTTP-date), None if unreadable."""
    if not value:
        return None
    text = value.decode("latin-1").strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - (now or dt.datetime.now(dt.UTC))).total_seconds())
