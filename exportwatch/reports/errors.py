"""The reports' own error: a request that cannot make a report (a period that ends before it
starts, one jurisdiction compared with itself, an unknown format). A ConfigError to the CLI (exit
2); the API answers it with 400 `invalid_request` (exportwatch/api/routers/reports.py)."""

from __future__ import annotations

from exportwatch.errors import ConfigError


class ReportRequestError(ConfigError):
    pass
