"""Compiled templates kept between builds, signed so that a planted file never runs.

Jinja's own FileSystemBytecodeCache loads `marshal`led code from the cache folder: code
that a cloned repository could have planted there. This cache signs each entry with an
HMAC under a key kept outside any repository (in the user's cache folder, readable by the
user alone) and ignores an entry whose signature does not match. The entries live in the
user's cache folder too (layout.compiled_templates).
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
from pathlib import Path

from jinja2.bccache import Bucket, BytecodeCache

from ..write import write_atomically
from .layout import user_cache

_SIGNATURE_BYTES = 32


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


class SignedBytecodeCache(BytecodeCache):
    def __init__(self, folder: Path, key: bytes):
        self.folder = folder
        self.key = key

    def _path(self, bucket: Bucket) -> Path:
        return self.folder / f"{bucket.key}.signed"

    def _sign(self, data: bytes) -> bytes:
        return hmac.new(self.key, data, hashlib.sha256).digest()

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            raw = self._path(bucket).read_bytes()
        except OSError:
            return
        signature, payload = raw[:_SIGNATURE_BYTES], raw[_SIGNATURE_BYTES:]
        if hmac.compare_digest(signature, self._sign(payload)):
            bucket.bytecode_from_string(payload)

    def dump_bytecode(self, bucket: Bucket) -> None:
        payload = bucket.bytecode_to_string()
        with contextlib.suppress(OSError):  # a cache that cannot be written only costs time
            write_atomically(self._path(bucket), self._sign(payload) + payload)


def signed_bytecode_cache(folder: Path) -> SignedBytecodeCache | None:
    key = machine_key()
    return SignedBytecodeCache(folder, key) if key else None
