"""The local object store: s3://bucket/key <-> <workspace>/s3/bucket/key.

Objects are plain files, so users can look at them (and put data there by
hand). Writes are atomic (temp file + rename) so concurrent runs never see a
half-written object. Errors are values: functions return `(result, error)`.

S3 semantics kept: a URI names either one object or a prefix ("folder"); an
S3Prefix input of a single object lands as `<dest>/<basename>`, an input of a
prefix lands as the tree below it.

No redundant work at real data sizes: files are hashed at most once (filehash.HashMemo, kept in
the workspace), local inputs and folders are synced (unchanged files are not copied again), and
objects enter a step's /opt/ml as hard links, falling back to a copy across file systems.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ..atomicfile import fix_mode
from .filehash import HashMemo


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
    def __init__(self, root: Path, memo: HashMemo | None = None):
        self.root = Path(root)
        self.memo = memo or HashMemo(None)

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
        with self.open_object(uri) as (f, err):
            if err:
                return err
            f.write(data)
        return None

    @contextmanager
    def open_object(self, uri: S3Uri):
        """`with store.open_object(uri) as (f, err)`: write an object as a stream (atomically: a
        temp file renamed into place when the block ends without an exception)."""
        dest, err = self._dest(uri)
        if err:
            yield None, err
            return
        fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=".put-")
        try:
            with os.fdopen(fd, "wb") as f:
                yield f, None
            fix_mode(tmp)
            os.replace(tmp, dest)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def put_file(self, uri: S3Uri, src: Path, move: bool = False, digest: str | None = None) -> str | None:
        """Copy (or move) a file in; `digest`, its SHA-256 when known, is remembered for the copy."""
        dest, err = self._dest(uri)
        if err:
            return err
        fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=".put-")
        os.close(fd)
        if move:
            shutil.move(str(src), tmp)
        else:
            shutil.copyfile(src, tmp)
            fix_mode(tmp)
        os.replace(tmp, dest)
        if digest:
            self.memo.remember(dest, digest)
        return None

    def put_tree(self, prefix: S3Uri, src_dir: Path, move: bool = False) -> tuple[int, str | None]:
        """Upload every file below src_dir under prefix. Returns (count, error)."""
        count = 0
        from ..projectfiles import tree_files

        for p in tree_files(src_dir, src_dir.resolve() if move else None)[0]:  # never a file outside the project
            if p.is_file():
                err = self.put_file(prefix.child(p.relative_to(src_dir).as_posix()), p, move=move)
                if err:
                    return count, err
                count += 1
        return count, None

    def download(self, uri: S3Uri, dest_dir: Path) -> tuple[int, str | None]:
        """Put an object or a prefix into dest_dir (S3Prefix semantics), as hard links to the
        store's files where the file system allows, else as copies. Returns (count, error)."""
        dest_dir.mkdir(parents=True, exist_ok=True)
        if self.is_object(uri):
            link_or_copy(self.path_of(uri), dest_dir / self.path_of(uri).name)
            return 1, None
        objects = self.list_prefix(uri)
        if not objects:
            return 0, missing_message(uri, self)
        for rel, path in objects:
            target = dest_dir / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            link_or_copy(path, target)
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


def link_or_copy(src: Path, dest: Path) -> None:
    """A hard link (no second copy of the data), or a copy across file systems or where links are refused."""
    try:
        os.link(src, dest)
    except FileExistsError:
        dest.unlink()
        link_or_copy(src, dest)
    except OSError:
        shutil.copyfile(src, dest)


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
        if store.is_object(uri) and store.memo.sha256(store.path_of(uri)) == up.sha256:
            continue  # content-addressed and already there
        try:
            data = upload_bytes(up, Path(base_dir))
        except OSError as exc:
            errors.append(f"cannot read {up.local}: {exc.strerror or exc}")
            continue
        err = store.put_bytes(uri, data)
        if err:
            errors.append(err)
        elif hashlib.sha256(data).hexdigest() == up.sha256:
            store.memo.remember(store.path_of(uri), up.sha256)
    return errors


def seed_local_data(store: LocalStore, local_data, base_dir: Path) -> list[str]:
    """Copy the pipeline's `local.data` entries (s3 uri -> local file or folder) into the store."""
    errors = []
    for s3, local in local_data:
        uri, err = parse_s3_uri(s3)
        if err:
            errors.append(f"pipeline.local.data: {err}")
            continue
        from ..projectfiles import check_path

        src, problem = check_path(local, Path(base_dir), kind="any", field="local.data")
        if problem is not None:  # compile reports it too; never read outside the project
            errors.append(f"local data for {s3}: {problem.message}")
            continue
        errors += _sync(store, uri, src)
    return errors


def put_local_path(store: LocalStore, bucket: str, local: Path) -> tuple[str | None, str | None]:
    """Copy a local file or folder into the store under a content-addressed key; return its s3 URI."""
    local = Path(local)
    if not local.exists():
        return None, f"no such file or folder: {local}"
    digest = _sha256_path(local, store.memo)
    uri = S3Uri(bucket, f"mlpc-local-data/{digest[:16]}/{local.resolve().name}")
    errors = _sync(store, uri, local)
    return (None, errors[0]) if errors else (str(uri), None)


def _sync(store: LocalStore, uri: S3Uri, src: Path) -> list[str]:
    """Make the store hold src at uri, copying only the files that differ (by size, then SHA-256)."""
    if src.is_file():
        return _sync_file(store, uri, src)
    for p in sorted(src.rglob("*")):
        if p.is_file():
            errors = _sync_file(store, uri.child(p.relative_to(src).as_posix()), p)
            if errors:
                return errors
    return []


def _sync_file(store: LocalStore, uri: S3Uri, src: Path) -> list[str]:
    dest = store.path_of(uri)
    if dest.is_file() and dest.stat().st_size == src.stat().st_size and \
            store.memo.sha256(dest) == store.memo.sha256(src):
        return []
    err = store.put_file(uri, src, digest=store.memo.sha256(src))
    return [err] if err else []


def _sha256_path(path: Path, memo: HashMemo) -> str:
    if path.is_file():
        return memo.sha256(path)
    h = hashlib.sha256()
    for p in sorted(path.rglob("*")):
        if p.is_file():
            h.update(p.relative_to(path).as_posix().encode() + b"\0" + memo.sha256(p).encode())
    return h.hexdigest()
