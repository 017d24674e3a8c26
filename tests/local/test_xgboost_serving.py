"""The local batch transform serves built-in XGBoost models as the container's serving code does
(sagemaker-xgboost-container algorithm_mode/serve_utils.py): the model file is unpickled or else read
with load_model, no ContentType means libsvm, and each prediction is one str(float) line."""

from __future__ import annotations

import importlib.util
import pickle
from pathlib import Path

import pytest

from mlpc.local.executors.training import xgboost_version

ALGORITHMS = Path(__file__).resolve().parents[2] / "compiler" / "local" / "algorithms"


def _module(name: str):
    spec = importlib.util.spec_from_file_location(f"_mlpc_test_{name}", ALGORITHMS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def xgb():
    return pytest.importorskip("xgboost")


@pytest.fixture(scope="module")
def serving():
    return _module("batch_transform")


@pytest.fixture(scope="module")
def booster(xgb):
    import numpy as np

    x = np.array([[i % 5, (i * 7) % 3] for i in range(50)], dtype=float)
    y = x[:, 0] * 2 + x[:, 1]
    return xgb.train({"max_depth": 3, "eta": 0.5}, xgb.DMatrix(x, label=y), num_boost_round=10)


@pytest.mark.parametrize("fmt", ["pickle", "save_model"])
def test_either_model_format_loads(tmp_path, xgb, serving, booster, fmt):
    path = tmp_path / "xgboost-model"
    if fmt == "pickle":
        path.write_bytes(pickle.dumps(booster, protocol=4))
    else:
        booster.save_model(str(tmp_path / "m.ubj"))
        (tmp_path / "m.ubj").rename(path)
    (tmp_path / ".hidden").write_text("ignored, as the container ignores dotfiles")
    loaded, how = serving.load_booster(xgb, str(tmp_path))
    assert how == ("pkl_format" if fmt == "pickle" else "xgb_format")
    dm = xgb.DMatrix([[1.0, 2.0]])
    assert loaded.predict(dm).tolist() == booster.predict(dm).tolist()


def test_an_unreadable_model_fails_with_both_reasons(tmp_path, xgb, serving, capsys):
    (tmp_path / "xgboost-model").write_text("not a model")
    with pytest.raises(SystemExit):
        serving.load_booster(xgb, str(tmp_path))
    err = capsys.readouterr().err
    assert "Pickle load error=" in err and "XGB load model error=" in err


@pytest.mark.parametrize("given,expected", [
    (None, "libsvm"), ("", "libsvm"), ("text/csv", "csv"), ("csv", "csv"), ("text/csv; label_size=1", "csv"),
    ("text/libsvm", "libsvm"), ("text/x-libsvm", "libsvm"), ("libsvm", "libsvm"), ("TEXT/CSV", "csv"),
])
def test_content_types_as_the_container_reads_them(serving, given, expected):
    assert serving.content_type_of(given) == expected


@pytest.mark.parametrize("given", ["application/json", "text/csv;label_size=2", "application/x-recordio-protobuf"])
def test_content_types_the_container_refuses_or_mlpc_cannot_read(serving, given, capsys):
    with pytest.raises(SystemExit):
        serving.content_type_of(given)
    assert capsys.readouterr().err.startswith("ERROR: ")


def test_libsvm_and_csv_payloads_predict_the_same(tmp_path, xgb, serving, booster, monkeypatch):
    path = tmp_path / "model" / "xgboost-model"
    path.parent.mkdir()
    path.write_bytes(pickle.dumps(booster, protocol=4))
    monkeypatch.setattr(serving, "ROOT", str(tmp_path))
    predict = serving.xgboost_model()
    csv = predict("1,2\n3,0\n", "text/csv", None)
    libsvm = predict("0 0:1 1:2\n0 0:3 1:0\n", None, None)  # no ContentType: the container reads libsvm
    assert csv == libsvm
    expected = booster.predict(xgb.DMatrix([[1.0, 2.0], [3.0, 0.0]])).tolist()
    assert csv == "".join(f"{v}\n" for v in expected)  # SAGEMAKER_BATCH: str(prediction) per line


def test_pickled_model_feature_count_is_checked_like_the_container(tmp_path, xgb, serving, booster, monkeypatch,
                                                                  capsys):
    path = tmp_path / "model" / "xgboost-model"
    path.parent.mkdir()
    path.write_bytes(pickle.dumps(booster, protocol=4))
    monkeypatch.setattr(serving, "ROOT", str(tmp_path))
    predict = serving.xgboost_model()
    with pytest.raises(SystemExit):
        predict("1,2,3,4\n", "text/csv", None)
    assert "is not consistent with feature size of trained model 2" in capsys.readouterr().err


@pytest.mark.parametrize("image,version", [
    ("683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.0-1-cpu-py3", "1.0-1"),
    ("683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1", "1.7-1"),
    ("811284229777.dkr.ecr.us-east-1.amazonaws.com/xgboost:1", ""),
    (None, ""),
])
def test_the_container_version_is_read_from_the_image_tag(image, version):
    assert xgboost_version(image) == version


def test_training_writes_the_format_of_the_declared_version(tmp_path, xgb, booster):
    builtin = _module("xgboost_builtin")
    for version in ("0.90-2", "1.0-1", "1.2-2"):
        builtin.save_model(xgb, booster, str(tmp_path / version), version)
        assert pickle.loads((tmp_path / version).read_bytes()).num_boosted_rounds() == 10
    for version in ("1.3-1", "1.7-1", "3.0-5", ""):
        builtin.save_model(xgb, booster, str(tmp_path / (version or "none")), version)
        raw = (tmp_path / (version or "none")).read_bytes()
        with pytest.raises(Exception):
            pickle.loads(raw)
        fresh = xgb.Booster()
        fresh.load_model(bytearray(raw))
        assert fresh.num_boosted_rounds() == 10
