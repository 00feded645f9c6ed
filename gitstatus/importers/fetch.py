"""Reading JSON over HTTP for an import: a timeout, a few retries with backoff, a size limit, no secret shown.

The only network code of the importers. A failure is an :class:`ImportFailed` naming the
address and what went wrong (never the API key, which travels only in a header); nothing has
been written when it is raised, since an import fetches everything before it plans.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping

from .. import __version__
from ..errors import GitstatusError

TIMEOUT = 20.0
"""Seconds to wait for a server to answer (each attempt)."""
ATTEMPTS = 3
BACKOFF = 0.5
"""Seconds before the second attempt; doubled before each one after it."""
MAX_BYTES = 64 * 1024 * 1024
"""A page's whole history in JSON is a few megabytes; anything this large is not an API's answer."""
_RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})


class ImportFailed(GitstatusError):
    """The source could not be read (a network error, an HTTP error, not JSON); nothing was written."""


def get_json(url: str, headers: Mapping[str, str] | None = None,
             sleep: Callable[[float], None] = time.sleep) -> object:
    """The JSON at ``url``, after up to :data:`ATTEMPTS` tries; :class:`ImportFailed` when it cannot be had."""
    if not url.lower().startswith(("http://", "https://")):
        raise ImportFailed(f"{url}: only http:// and https:// addresses are fetched; nothing was written")
    request = urllib.request.Request(url, headers={
        "Accept": "application/json", "User-Agent": f"gitstatus/{__version__} (import)", **(headers or {}),
    })
    problem = ""
    for attempt in range(ATTEMPTS):
        if attempt:
            sleep(BACKOFF * 2 ** (attempt - 1))
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
                data = response.read(MAX_BYTES + 1)
        except urllib.error.HTTPError as err:
            err.close()
            status = int(err.code)  # an HTTP status, not a diagnostic's code
            problem = f"HTTP {status} {err.reason}"
            if status in (401, 403):
                raise ImportFailed(f"{url}: {problem}: the server refused the request (check the API key and the "
                                   "page id); nothing was written") from None
            if status not in _RETRY_STATUSES:
                raise ImportFailed(f"{url}: {problem}; nothing was written") from None
            continue
        except (urllib.error.URLError, TimeoutError, OSError) as err:
            reason = getattr(err, "reason", err)
            problem = f"{reason}"
            continue
        if len(data) > MAX_BYTES:
            raise ImportFailed(f"{url}: the answer is larger than {MAX_BYTES // 1024 // 1024} MB, which no status "
                               "page's API sends; nothing was written")
        try:
            return json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as err:
            raise ImportFailed(f"{url}: the answer is not JSON ({err}); is this a Statuspage page's "
                               "address? Nothing was written") from None
    raise ImportFailed(f"{url}: {problem} (tried {ATTEMPTS} times); nothing was written")
