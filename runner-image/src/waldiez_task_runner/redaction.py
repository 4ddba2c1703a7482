"""Keeps secrets out of logs and status reasons: URLs without passwords, secret env values masked."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

_SECRET_QUERY_KEYS = frozenset({"password", "pass", "pwd", "token", "secret"})


def redact_url(url: str) -> str:
    """Return ``url`` with any password (userinfo or query parameter) replaced by ``***``."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<unparseable url>"
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, _, hostport = netloc.rpartition("@")
        if ":" in userinfo:
            user = userinfo.split(":", 1)[0]
            userinfo = f"{user}:***"
        else:
            # redis://secret@host uses the whole userinfo as the password
            userinfo = "***"
        netloc = f"{userinfo}@{hostport}"
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        query = urlencode([(k, "***" if k.lower() in _SECRET_QUERY_KEYS else v) for k, v in pairs], safe="*")
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


# Environment variables whose values are secrets: model API keys, tokens, passwords.
_SECRET_NAME = re.compile(r"(KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL)", re.IGNORECASE)
_URL_USERINFO = re.compile(r"(?P<scheme>[a-z][a-z0-9+.-]*://)[^/\s@]+@", re.IGNORECASE)
_MIN_SECRET_LENGTH = 6


def redact_secrets(text: str, environ: Mapping[str, str] | None = None) -> str:
    """``text`` with the values of secret-named environment variables and URL credentials as ``***``.

    Error messages reach status reasons, streams and the database; a flow's exception can quote a
    key it was given (an HTTP client echoing its header, a URL with a password).
    """
    env = os.environ if environ is None else environ
    secrets = sorted((v for k, v in env.items() if _SECRET_NAME.search(k) and len(v) >= _MIN_SECRET_LENGTH),
                     key=len, reverse=True)
    for value in secrets:
        text = text.replace(value, "***")
    return _URL_USERINFO.sub(r"\g<scheme>***@", text)
