"""SHA-256 of files, each computed once: memoised by what changes when a file's content does.

The key is (device, inode, size, mtime_ns): rsync's quick check, plus the inode, so a file
replaced by another is seen. Not the ctime: hard-linking a stored object into a step's /opt/ml
changes it without changing the content. The memo lives in the workspace's database, so a rerun with
the same large input hashes nothing, and within a run a file is hashed at most once. A digest
known without reading (a copy just made of a hashed file) is recorded with `remember`.
"""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path

from .db import connect

def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _stamp(st: os.stat_result) -> str:
    return f"{st.st_dev}:{st.st_ino}:{st.st_size}:{st.st_mtime_ns}"


class HashMemo:
    def __init__(self, db_path: Path | None):
        self.db_path = db_path
        self._seen: dict = {}  # path -> (stamp, digest), this process
        self._lock = threading.Lock()
        self.computed = 0  # files actually read and hashed (tests and benchmarks look)

    def sha256(self, path: Path) -> str:
        path = Path(path).absolute()
        stamp = _stamp(os.stat(path))
        key = str(path)
        with self._lock:
            hit = self._seen.get(key)
        if hit and hit[0] == stamp:
            return hit[1]
        digest = self._load(key, stamp)
        if digest is None:
            digest = sha256_file(path)
            self.computed += 1
            self._save(key, stamp, digest)
        with self._lock:
            self._seen[key] = (stamp, digest)
        return digest

    def remember(self, path: Path, digest: str) -> None:
        """Record the digest of a file just written with known content."""
        path = Path(path).absolute()
        stamp = _stamp(os.stat(path))
        with self._lock:
            self._seen[str(path)] = (stamp, digest)
        self._save(str(path), stamp, digest)

    def _load(self, key: str, stamp: str) -> str | None:
        if self.db_path is None or not Path(self.db_path).exists():
            return None
        with connect(self.db_path) as conn:
            row = conn.execute("SELECT stamp, sha256 FROM file_hashes WHERE path = ?", (key,)).fetchone()
        return row["sha256"] if row and row["stamp"] == stamp else None

    def _save(self, key: str, stamp: str, digest: str) -> None:
        if self.db_path is None:
            return
        with connect(self.db_path) as conn:
            conn.execute("INSERT OR REPLACE INTO file_hashes VALUES (?, ?, ?)", (key, stamp, digest))
