"""Signing: what this user's builds wrote into a cache, told apart from what was planted.

A cloned repository can hold any file, `.stratmap-cache/` included. An entry that is
signed with an HMAC under a key kept outside every repository (in the user's cache
folder, readable by the user alone) was written by this user's stratmap; any other
entry is ignored, as if it were missing.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import stat
from pathlib import Path

from .layout import user_cache

SIGNATURE_BYTES = 32


def machine_key() -> bytes | None:
    """This user's signing key, made on first use; None where it cannot be kept."""
    path = user_cache() / "signing-key"
    try:
        key = path.read_bytes()
        if len(key) == 32:
            return key
    except OSError:
        pass
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        key = os.urandom(32)
        with os.fdopen(descriptor, "wb") as file:
            file.write(key)
        return key
    except OSError:
        return None


def signed(key: bytes, payload: bytes) -> bytes:
    """`payload` with its signature in front."""
    return _signature(key, payload) + payload


def verified(key: bytes, raw: bytes) -> bytes | None:
    """The payload of `raw` when its signature is ours, else None."""
    signature, payload = raw[:SIGNATURE_BYTES], raw[SIGNATURE_BYTES:]
    return payload if hmac.compare_digest(signature, _signature(key, payload)) else None


def _signature(key: bytes, payload: bytes) -> bytes:
    return hmac.new(key, payload, hashlib.sha256).digest()


def read_signed(key: bytes, path: Path) -> bytes | None:
    """The payload of the file at `path` when this user's stratmap signed it; None when it
    is missing, no regular file (a link at `path` is not followed, a pipe not waited on)
    or not signed with `key`."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    with os.fdopen(descriptor, "rb") as file:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            return None
        return verified(key, file.read())
