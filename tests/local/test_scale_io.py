"""No redundant work at real data sizes: hashing once, syncing, hard links, streamed archives, readers."""

from __future__ import annotations

import errno
import importlib.util
import os
import stat
import tarfile
import tracemalloc

import numpy as np
import pytest

from mlpc.atomicfile import umask
from mlpc.local import store as store_mod
from mlpc.local.executors.base import store_tar
from mlpc.local.filehash import HashMemo
from mlpc.local.store import LocalStore, parse_s3_uri, put_local_path

from .conftest import REPO

XGB_SCRIPT = REPO / "compiler" / "local" / "algorithms" / "xgboost_builtin.py"


def fresh_store(ws) -> LocalStore:
    """A store as a new mlpc process sees it: the memo's in-process part empty, its database kept."""
    return LocalStore(ws.s3_dir, HashMemo(ws.db_path))


def test_an_input_is_hashed_once_per_run_and_not_at_all_when_unchanged(ws, tmp_path):
    data = tmp_path / "big.csv"
    data.write_bytes(os.urandom(3 << 20))
    store = fresh_store(ws)
    uri, err = put_local_path(store, "bkt", data)
    assert err is None
    assert store.memo.computed == 1  # the source once; the store's copy is known to be equal
    copy = store.path_of(parse_s3_uri(uri)[0])
    assert copy.read_bytes() == data.read_bytes()
    before = os.stat(copy)

    again = fresh_store(ws)  # the next run
    assert put_local_path(again, "bkt", data) == (uri, None)
    assert again.memo.computed == 0
    after = os.stat(copy)
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)  # not copied again

    data.write_bytes(os.urandom(3 << 20))  # changed: hashed again, under a new key
    changed = fresh_store(ws)
    uri2, _ = put_local_path(changed, "bkt", data)
    assert uri2 != uri and changed.memo.computed == 1


def test_a_folder_parameter_is_synced_not_recopied(ws, tmp_path):
    folder = tmp_path / "images"
    (folder / "sub").mkdir(parents=True)
    for i in range(5):
        (folder / "sub" / f"f{i}.bin").write_bytes(os.urandom(1000 + i))
    uri, err = put_local_path(fresh_store(ws), "bkt", folder)
    assert err is None
    base = fresh_store(ws).path_of(parse_s3_uri(uri)[0])
    stamps = {p: os.stat(p).st_mtime_ns for p in base.rglob("*") if p.is_file()}
    assert len(stamps) == 5
    second = fresh_store(ws)
    assert put_local_path(second, "bkt", folder) == (uri, None)
    assert second.memo.computed == 0
    assert {p: os.stat(p).st_mtime_ns for p in base.rglob("*") if p.is_file()} == stamps


def test_inputs_enter_opt_ml_as_hard_links(ws, tmp_path):
    store = fresh_store(ws)
    uri, _ = parse_s3_uri("s3://bkt/data/train.csv")
    assert store.put_bytes(uri, b"1,2,3\n") is None
    count, err = store.download(uri, tmp_path / "in")
    assert (count, err) == (1, None)
    staged = tmp_path / "in" / "train.csv"
    assert os.stat(staged).st_ino == os.stat(store.path_of(uri)).st_ino  # no second copy


def test_a_copy_when_links_are_refused(ws, tmp_path, monkeypatch):
    store = fresh_store(ws)
    uri, _ = parse_s3_uri("s3://bkt/data/train.csv")
    store.put_bytes(uri, b"1,2,3\n")

    def refuse(src, dst):
        raise OSError(errno.EXDEV, "cross-device link")

    monkeypatch.setattr(store_mod.os, "link", refuse)
    assert store.download(uri, tmp_path / "in") == (1, None)
    staged = tmp_path / "in" / "train.csv"
    assert staged.read_bytes() == b"1,2,3\n" and os.stat(staged).st_ino != os.stat(store.path_of(uri)).st_ino


def test_store_objects_follow_the_umask(ws, tmp_path):
    store = fresh_store(ws)
    uri, _ = parse_s3_uri("s3://bkt/x/y.txt")
    store.put_bytes(uri, b"x")
    src = tmp_path / "z.txt"
    src.write_text("z")
    uri2, _ = parse_s3_uri("s3://bkt/x/z.txt")
    store.put_file(uri2, src)
    for path in (store.path_of(uri), store.path_of(uri2)):
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o666 & ~umask()


def test_model_archives_stream_to_disk(ws, tmp_path):
    model = tmp_path / "model"
    model.mkdir()
    (model / "weights.bin").write_bytes(os.urandom(24 << 20))
    store = fresh_store(ws)
    tracemalloc.start()
    err = store_tar(store, "s3://bkt/job/output/model.tar.gz", model)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert err is None
    assert peak < 4 << 20  # not the 24 MB archive in memory
    with tarfile.open(store.path_of(parse_s3_uri("s3://bkt/job/output/model.tar.gz")[0])) as tar:
        assert tar.getnames() == ["weights.bin"]
        assert tar.extractfile("weights.bin").read() == (model / "weights.bin").read_bytes()


# ------------------------------------------------------------------ the built-in XGBoost reader

@pytest.fixture
def xgb_script(tmp_path, monkeypatch):
    spec = importlib.util.spec_from_file_location("xgboost_builtin_under_test", XGB_SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "ROOT", str(tmp_path / "opt_ml"))
    (tmp_path / "opt_ml" / "input" / "data" / "train").mkdir(parents=True)
    return module, tmp_path / "opt_ml" / "input" / "data" / "train"


def test_csv_channel_label_first_no_header_empty_is_missing(xgb_script):
    module, channel = xgb_script
    (channel / "a.csv").write_text("1,0.5,2\n0,,3\n")
    (channel / "b.csv").write_text("1,1.5,4\n")
    data = module.read_csv("train", module.channel_files("train"))
    assert data.dtype == np.float32 and data.shape == (3, 3)
    assert np.isnan(data[1, 1]) and data[2, 2] == 4
    xgb = pytest.importorskip("xgboost")
    dm = module.load_channel(xgb, "train", "text/csv", False)
    assert (dm.num_row(), dm.num_col()) == (3, 2) and list(dm.get_label()) == [1, 0, 1]


def test_csv_channel_with_a_header_fails_plainly(xgb_script, capsys):
    module, channel = xgb_script
    (channel / "a.csv").write_text("label,x\n1,2\n")
    with pytest.raises(SystemExit):
        module.read_csv("train", module.channel_files("train"))
    failure = (channel.parents[2] / "output" / "failure").read_text()
    assert "channel 'train': a.csv:" in failure and "no header" in failure


def test_a_hard_link_into_opt_ml_does_not_make_the_store_hash_again(ws, tmp_path):
    data = tmp_path / "big.csv"
    data.write_bytes(os.urandom(1 << 20))
    uri, _ = put_local_path(fresh_store(ws), "bkt", data)
    staging = fresh_store(ws)
    assert staging.download(parse_s3_uri(uri)[0], tmp_path / "opt_ml" / "in")[1] is None  # links: the ctime moves
    rerun = fresh_store(ws)
    assert put_local_path(rerun, "bkt", data) == (uri, None)
    assert rerun.memo.computed == 0
