"""The project's own exception types.

Every stage translates the errors of the libraries it uses (lxml, Scrapy, sqlite3, subprocess)
into one of these at its boundary, so the CLI and API can report them without knowing which
library failed.
"""

from __future__ import annotations


class ExportWatchError(Exception):
    """Base class: an error the user can act on, with a message that says what and where."""

    exit_code = 1


class ConfigError(ExportWatchError):
    """A configuration file or setting is invalid (names the file and the field)."""

    exit_code = 2


class FetchError(ExportWatchError):
    """A download failed: network, HTTP status, size or time limit."""


class ParseError(ExportWatchError):
    """A document could not be parsed: malformed, hostile, over a limit, or unrecognised layout."""


class StoreError(ExportWatchError):
    """The store of record could not be read or written."""


class SearchError(ExportWatchError):
    """A search backend failed."""


class QueryError(SearchError):
    """A search query is invalid (syntax, unknown filter); the message says how to fix it."""

    exit_code = 2


class NotFoundError(ExportWatchError):
    """An entry, source or version that was asked for does not exist."""

    exit_code = 3
