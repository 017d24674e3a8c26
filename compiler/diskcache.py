"""mlpc's on-disk cache: derived data (never user data), keyed by what it was derived from.

`${XDG_CACHE_HOME:-~/.cache}/mlpc/`. Writes are atomic; an unreadable or unwritable
cache is simply a miss, so the caller recomputes.
"""

from __future__ import annotations

import contextlib
import json
import os


def cache_file(name: str) -> str:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "mlpc", name)


def read_json(path: str):
    try:
        with open(path, encoding="utf-8") as fh:
            return json.load(fh)
    except (OSError, ValueError):
        return None


def write_json(path: str, data) -> bool:
    """Atomic write (temp file + os.replace); False when the cache dir is unwritable."""
    import tempfile

    tmp = None
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".mlpc-", suffix=".tmp", dir=os.path.dirname(path))
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, separators=(",", ":"))
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
        return True
    except OSError:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        return False
