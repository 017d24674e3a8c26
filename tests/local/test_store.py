"""The local object store: URIs, S3Prefix semantics, seeding, local paths as parameter values."""

import pytest

from mlpc.local.store import LocalStore, parse_s3_uri, put_local_path, seed_local_data, seed_uploads
from mlpc.manifest import Upload, sourcedir_bytes


@pytest.mark.parametrize("text, bucket, key", [
    ("s3://b1/a/b.csv", "b1", "a/b.csv"),
    ("s3://b1/a//b/", "b1", "a/b/"),
    ("s3://my.bucket-2", "my.bucket-2", ""),
])
def test_parse(text, bucket, key):
    uri, err = parse_s3_uri(text)
    assert err is None and (uri.bucket, uri.key) == (bucket, key)


@pytest.mark.parametrize("text, message", [
    ("/tmp/x", "is not an s3:// URI"),
    ("s3:///k", "has no bucket"),
    ("s3://{{ bucket }}/k", "is not a valid bucket name"),
    ("s3://b1/a/../etc", "'.' and '..' are not allowed"),
])
def test_parse_errors(text, message):
    uri, err = parse_s3_uri(text)
    assert uri is None and message in err


def u(text):
    return parse_s3_uri(text)[0]


def test_object_and_prefix_downloads(tmp_path):
    store = LocalStore(tmp_path / "s3")
    assert store.put_bytes(u("s3://b1/data/train/a.csv"), b"1") is None
    assert store.put_bytes(u("s3://b1/data/train/sub/b.csv"), b"2") is None
    assert store.is_object(u("s3://b1/data/train/a.csv")) and store.exists(u("s3://b1/data/train/"))
    assert [rel for rel, _ in store.list_prefix(u("s3://b1/data/train"))] == ["a.csv", "sub/b.csv"]
    # a prefix lands as the tree below it
    assert store.download(u("s3://b1/data/train"), tmp_path / "d1") == (2, None)
    assert (tmp_path / "d1" / "sub" / "b.csv").read_bytes() == b"2"
    # an object lands as <dest>/<basename>
    assert store.download(u("s3://b1/data/train/a.csv"), tmp_path / "d2") == (1, None)
    assert (tmp_path / "d2" / "a.csv").read_bytes() == b"1"


def test_missing_input_names_the_uri_and_the_remedy(tmp_path):
    store = LocalStore(tmp_path / "s3")
    count, err = store.download(u("s3://b1/nothing/here"), tmp_path / "d")
    assert count == 0
    assert "nothing at s3://b1/nothing/here in the local store" in err
    assert "mlpc data put LOCAL_PATH s3://b1/nothing/here --local" in err


def test_object_and_prefix_conflicts(tmp_path):
    store = LocalStore(tmp_path / "s3")
    assert store.put_bytes(u("s3://b1/a"), b"x") is None
    assert "already holds an object at b1/a" in store.put_bytes(u("s3://b1/a/b"), b"y")
    assert store.put_bytes(u("s3://b1/c/d"), b"x") is None
    assert "holds objects below this key" in store.put_bytes(u("s3://b1/c"), b"y")


def test_seed_uploads_and_local_data(tmp_path):
    base = tmp_path / "project"
    (base / "code").mkdir(parents=True)
    (base / "code" / "train.py").write_text("print('hi')\n")
    (base / "data").mkdir()
    (base / "data" / "raw.csv").write_text("a,b\n1,2\n")
    store = LocalStore(tmp_path / "s3")
    tar = sourcedir_bytes(base / "code")
    uploads = [Upload("s3://b1/code/abc/train.py", "code/train.py", "file", "x", 12),
               Upload("s3://b1/code/def/sourcedir.tar.gz", "code", "sourcedir", "y", len(tar))]
    assert seed_uploads(store, uploads, base) == []
    assert store.get_bytes(u("s3://b1/code/abc/train.py")) == b"print('hi')\n"
    assert store.get_bytes(u("s3://b1/code/def/sourcedir.tar.gz")) == tar
    assert seed_local_data(store, [("s3://b1/raw/raw.csv", "data/raw.csv"), ("s3://b1/all", "data")], base) == []
    assert store.get_bytes(u("s3://b1/raw/raw.csv")) == b"a,b\n1,2\n"
    assert store.get_bytes(u("s3://b1/all/raw.csv")) == b"a,b\n1,2\n"
    errors = seed_local_data(store, [("s3://b1/x", "data/missing.csv")], base)
    assert len(errors) == 1 and "no such file or folder" in errors[0] and "missing.csv" in errors[0]


def test_put_local_path_is_content_addressed(tmp_path):
    store = LocalStore(tmp_path / "s3")
    f = tmp_path / "train.csv"
    f.write_text("1,2\n")
    uri1, err = put_local_path(store, "b1", f)
    assert err is None and uri1.startswith("s3://b1/mlpc-local-data/") and uri1.endswith("/train.csv")
    assert put_local_path(store, "b1", f)[0] == uri1  # same bytes, same key
    f.write_text("3,4\n")
    uri2, _ = put_local_path(store, "b1", f)
    assert uri2 != uri1 and store.get_bytes(u(uri2)) == b"3,4\n"
    d = tmp_path / "folder"
    (d / "x").mkdir(parents=True)
    (d / "x" / "a.csv").write_text("5\n")
    uri3, err = put_local_path(store, "b1", d)
    assert err is None and store.get_bytes(u(uri3 + "/x/a.csv")) == b"5\n"
    assert "no such file or folder" in put_local_path(store, "b1", tmp_path / "nope")[1]
