"""Compiled templates kept between builds, signed so that a planted file never runs.

Jinja's own FileSystemBytecodeCache loads `marshal`led code from the cache folder: code
that a cloned repository could have planted there. This cache signs each entry with an
HMAC under a key kept outside any repository (in the user's cache folder, readable by the
user alone) and ignores an entry whose signature does not match. The entries live in the
user's cache folder too (layout.compiled_templates). Signing: cache/signing.py.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from jinja2.bccache import Bucket, BytecodeCache

from ..write import write_atomically
from .signing import machine_key, read_signed, signed


class SignedBytecodeCache(BytecodeCache):
    def __init__(self, folder: Path, key: bytes):
        self.folder = folder
        self.key = key

    def _path(self, bucket: Bucket) -> Path:
        return self.folder / f"{bucket.key}.signed"

    def load_bytecode(self, bucket: Bucket) -> None:
        payload = read_signed(self.key, self._path(bucket))
        if payload is not None:
            bucket.bytecode_from_string(payload)

    def dump_bytecode(self, bucket: Bucket) -> None:
        payload = bucket.bytecode_to_string()
        with contextlib.suppress(OSError):  # a cache that cannot be written only costs time
            write_atomically(self._path(bucket), signed(self.key, payload))


def signed_bytecode_cache(folder: Path) -> SignedBytecodeCache | None:
    key = machine_key()
    return SignedBytecodeCache(folder, key) if key else None
