"""The upload manifest: local code -> content-addressed S3 keys.

Keys are derived from file *bytes* (sha256), never from paths, so unchanged
code keeps the same URI and SageMaker step caching keeps working.
"""

from __future__ import annotations

import hashlib
from typing import NamedTuple
from pathlib import Path


class Upload(NamedTuple):
    s3_uri: str
    local: str  # path as given, relative to the pipeline file's folder (for "generated": what it is)
    kind: str  # "file" | "sourcedir" | "generated" (a file compile wrote, e.g. a Clarify analysis config)
    sha256: str
    size: int
    data: bytes | None = None  # the bytes of a "generated" upload

    def to_json(self) -> dict:
        out = {"s3_uri": self.s3_uri, "local": self.local, "kind": self.kind, "sha256": self.sha256, "size": self.size}
        if self.data is not None:
            out["content"] = self.data.decode("utf-8")
        return out


def sourcedir_bytes(source_dir: Path) -> bytes:
    """A deterministic sourcedir.tar.gz: sorted entries, zeroed times/owners, gzip mtime 0."""
    import gzip
    import io
    import tarfile

    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        if source_dir.is_dir():
            from .projectfiles import tree_files

            # only files inside the project: a symlink leading out of it is never read
            files = [p for p in tree_files(source_dir)[0] if "__pycache__" not in p.parts and not p.name.endswith(".pyc")]
            names = [(p, p.relative_to(source_dir).as_posix()) for p in files]
        else:  # a single entry point file
            names = [(source_dir, source_dir.name)]
        for p, arc in names:
            data = p.read_bytes()
            info = tarfile.TarInfo(arc)
            info.size, info.mtime, info.mode = len(data), 0, 0o644
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            tar.addfile(info, io.BytesIO(data))
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", mtime=0, filename="") as gz:
        gz.write(raw.getvalue())
    return out.getvalue()


def upload_bytes(upload: Upload, base_dir: Path) -> bytes:
    """The exact bytes to upload for one manifest entry (rebuilt deterministically)."""
    if upload.kind == "generated":
        return upload.data
    path = base_dir / upload.local
    if upload.kind == "sourcedir":
        return sourcedir_bytes(path)
    return path.read_bytes()


def code_uri(bucket: str, pipeline: str, data: bytes, filename: str) -> tuple[str, str]:
    digest = hashlib.sha256(data).hexdigest()
    return f"s3://{bucket}/{pipeline}/code/{digest}/{filename}", digest
