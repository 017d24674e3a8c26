"""The local object store: s3://bucket/key <-> <workspace>/s3/bucket/key.

Objects are plain files, so users can look at them (and put data there by
hand). Writes are atomic (temp file + rename) so concurrent runs never see a
half-written object. Errors are values: functions return `(result, error)`.

S3 semantics kept: a URI names either one object or a prefix ("folder"); an
S3Prefix input of a single object lands as `<dest>/<basename>`, an input of a
prefix lands as the tree below it.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class S3Uri:
    bucket: str
    key: str

    def __str__(self) -> str:
        return f"s3://{self.bucket}/{self.key}"

    def child(self, rel: str) -> "S3Uri":
        base = self.key.rstrip("/")
        return S3Uri(self.bucket, f"{base}/{rel}" if base else rel)


_BUCKET = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{1,62}$")


def parse_s3_uri(text) -> tuple[S3Uri | None, str | None]:
    if not isinstance(text, str) or not text.startswith("s3://"):
        return None, f"{text!r} is not an s3:// URI"
    rest = text[5:]
    bucket, _, key = rest.partition("/")
    if not bucket:
        return None, f"{text!r} has no bucket"
    if not _BUCKET.match(bucket):
        return None, f"{text!r}: '{bucket}' is not a valid bucket name"
    parts = [p for p in key.split("/") if p]
    if any(p in (".", "..") for p in parts):
        return None, f"{text!r}: '.' and '..' are not allowed in keys of the local store"
    return S3Uri(bucket, "/".join(parts) + ("/" if key.endswith("/") and parts else "")), None


class LocalStore:
    def __init__(self, root: Path):
        self.root = Path(root)

    # ------------------------------------------------------------------ lookup
    def path_of(self, uri: S3Uri) -> Path:
        return self.root / uri.bucket / uri.key.rstrip("/")

    def is_object(self, uri: S3Uri) -> bool:
        return bool(uri.key.rstrip("/")) and self.path_of(uri).is_file()

    def exists(self, uri: S3Uri) -> bool:
        """True when the URI names an object or a non-empty prefix."""
        return self.is_object(uri) or bool(self.list_prefix(uri))

    def list_prefix(self, uri: S3Uri) -> list[tuple[str, Path]]:
        """Objects below a prefix as (relative key, file), sorted."""
        base = self.path_of(uri)
        if not base.is_dir():
            return []
        return sorted((p.relative_to(base).as_posix(), p) for p in base.rglob("*") if p.is_file())

    def get_bytes(self, uri: S3Uri) -> bytes | None:
        return self.path_of(uri).read_bytes() if self.is_object(uri) else None

    # ------------------------------------------------------------------ writes
    def put_bytes(self, uri: S3Uri, data: bytes) -> str | None:
        dest, err = self._dest(uri)
        if err:
            return err
        fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=".put-")
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, dest)
        return None

    def put_file(self, uri: S3Uri, src: Path, move: bool = False) -> str | None:
        dest, err = self._dest(uri)
        if err:
            return err
        fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=".put-")
        os.close(fd)
        if move:
            shutil.move(str(src), tmp)
        else:
            shutil.copyfile(src, tmp)
        os.replace(tmp, dest)
        return None

    def put_tree(self, prefix: S3Uri, src_dir: Path, move: bool = False) -> tuple[int, str | None]:
        """Upload every file below src_dir under prefix. Returns (count, error)."""
        count = 0
        for p in sorted(src_dir.rglob("*")):
            if p.is_file():
                err = self.put_file(prefix.child(p.relative_to(src_dir).as_posix()), p, move=move)
                if err:
                    return count, err
                count += 1
        return count, None

    def download(self, uri: S3Uri, dest_dir: Path) -> tuple[int, str | None]:
        """Copy an object or a prefix into dest_dir (S3Prefix semantics). Returns (count, error)."""
        dest_dir.mkdir(parents=True, exist_ok=True)
        if self.is_object(uri):
            shutil.copyfile(self.path_of(uri), dest_dir / self.path_of(uri).name)
            return 1, None
        objects = self.list_prefix(uri)
        if not objects:
            return 0, missing_message(uri, self)
        for rel, path in objects:
            target = dest_dir / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
        return len(objects), None

    def _dest(self, uri: S3Uri) -> tuple[Path | None, str | None]:
        if not uri.key.rstrip("/"):
            return None, f"{uri}: an object needs a key"
        dest = self.path_of(uri)
        for parent in dest.parents:
            if parent == self.root:
                break
            if parent.is_file():
                at = parent.relative_to(self.root)
                return None, f"{uri}: the local store already holds an object at {at}, a prefix of this key"
        if dest.is_dir():
            return None, f"{uri}: the local store holds objects below this key; it cannot also be an object"
        dest.parent.mkdir(parents=True, exist_ok=True)
        return dest, None


def missing_message(uri: S3Uri, store: LocalStore) -> str:
    return (f"nothing at {uri} in the local store ({store.path_of(uri)}); put the data there with "
            f"`mlpc data put LOCAL_PATH {uri} --local`, or pass a local path as the parameter's value")


# ---------------------------------------------------------------------- seeding

def seed_uploads(store: LocalStore, uploads, base_dir: Path) -> list[str]:
    """Put the compiler's upload manifest (code files, sourcedir.tar.gz) into the store."""
    from ..manifest import upload_bytes

    errors = []
    for up in uploads:
        uri, err = parse_s3_uri(up.s3_uri)
        if err:
            errors.append(f"upload {up.local}: {err}")
            continue
        if store.is_object(uri) and _sha256_file(store.path_of(uri)) == up.sha256:
            continue  # content-addressed and already there
        try:
            data = upload_bytes(up, Path(base_dir))
        except OSError as exc:
            errors.append(f"cannot read {up.local}: {exc.strerror or exc}")
            continue
        err = store.put_bytes(uri, data)
        if err:
            errors.append(err)
    return errors


def seed_local_data(store: LocalStore, local_data, base_dir: Path) -> list[str]:
    """Copy the pipeline's `local.data` entries (s3 uri -> local file or folder) into the store."""
    errors = []
    for s3, local in local_data:
        uri, err = parse_s3_uri(s3)
        if err:
            errors.append(f"pipeline.local.data: {err}")
            continue
        src = (Path(base_dir) / local)
        if not src.exists():
            errors.append(f"local data for {s3}: no such file or folder {src}")
            continue
        errors += _sync(store, uri, src)
    return errors


def put_local_path(store: LocalStore, bucket: str, local: Path) -> tuple[str | None, str | None]:
    """Copy a local file or folder into the store under a content-addressed key; return its s3 URI."""
    local = Path(local)
    if not local.exists():
        return None, f"no such file or folder: {local}"
    digest = _sha256_path(local)
    uri = S3Uri(bucket, f"mlpc-local-data/{digest[:16]}/{local.resolve().name}")
    errors = _sync(store, uri, local)
    return (None, errors[0]) if errors else (str(uri), None)


def _sync(store: LocalStore, uri: S3Uri, src: Path) -> list[str]:
    if src.is_file():
        dest = store.path_of(uri)
        if dest.is_file() and dest.stat().st_size == src.stat().st_size and _sha256_file(dest) == _sha256_file(src):
            return []
        err = store.put_file(uri, src)
        return [err] if err else []
    _, err = store.put_tree(uri, src)
    return [err] if err else []


def _sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _sha256_path(path: Path) -> str:
    if path.is_file():
        return _sha256_file(path)
    h = hashlib.sha256()
    for p in sorted(path.rglob("*")):
        if p.is_file():
            h.update(p.relative_to(path).as_posix().encode() + b"\0" + _sha256_file(p).encode())
    return h.hexdigest()
