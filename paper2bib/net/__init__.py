"""The network layer every service client uses.

``policy`` (when to ask again, pure) → ``breaker`` (down for the rest of the run) →
``service`` (the retry engine, the ``requests`` transport and its answers) over
``bounded`` (deadline, size cap, redirects kept on the host). The Zotero client feeds
pyzotero's calls through the same :class:`Service` (see :mod:`paper2bib.zotero.client`).
"""

from .bounded import MAX_RESPONSE_BYTES, DeadlineExceeded, RedirectRefused, ResponseTooLarge
from .breaker import Breaker
from .policy import Failure, RetryPolicy, announced_wait, connection_failure
from .service import Answer, Failed, HttpService, Service

__all__ = [
    "MAX_RESPONSE_BYTES",
    "Answer",
    "Breaker",
    "DeadlineExceeded",
    "Failed",
    "Failure",
    "HttpService",
    "RedirectRefused",
    "ResponseTooLarge",
    "RetryPolicy",
    "Service",
    "announced_wait",
    "connection_failure",
]
