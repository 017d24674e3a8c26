"""Network isolation in `mlpc run --local`: an isolated step's processes have no network at all.

The test opens a TCP port on the host; a processing script connects to it. Without isolation
it connects; with `security: {network_isolation: true}` its step runs in a network namespace
whose only interface is a loopback that is down, so the connection fails and so does the step.
KMS and VPC settings are recorded in the execution record, and the summary says once that they
are not enforced locally.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mlpc.cli import app
from mlpc.local import records, sandbox
from mlpc.local.workspace import Workspace

from .conftest import needs_sandbox

runner = CliRunner()
pytestmark = [needs_sandbox, pytest.mark.skipif(sandbox.probe_network() is not None,
                                                reason=f"no network namespace here: {sandbox.probe_network()}")]

CONNECT = """\
import json, os, socket, sys
port = int(sys.argv[1])
os.makedirs("/opt/ml/processing/out", exist_ok=True)
seen = {"interfaces": [name for _, name in socket.if_nameindex()]}
try:
    import fcntl, struct
    flags = fcntl.ioctl(socket.socket(), 0x8913, struct.pack("256s", b"lo"))  # SIOCGIFFLAGS
    seen["lo_up"] = bool(struct.unpack("H", flags[16:18])[0] & 1)  # IFF_UP
except OSError as exc:
    seen["lo_up"] = repr(exc)
open("/opt/ml/processing/out/seen.json", "w").write(json.dumps(seen))
with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
    s.sendall(b"hello from the step")
print("connected")
"""

PIPELINE = """\
pipeline:
  name: net-test
  role: arn:aws:iam::123456789012:role/R
  bucket: mlpc-test
  security:
    kms_key: alias/mlpc-test
    vpc: {{subnets: [subnet-0a1b2c3d], security_groups: [sg-0a1b2c3d]}}
    network_isolation: {isolated}
steps:
  Connect:
    type: processing
    image: 683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3
    command: [python3]
    code: connect.py
    arguments: ["{port}"]
    instance_type: ml.m5.large
    outputs:
      out: {{source: /opt/ml/processing/out}}
"""


@pytest.fixture
def listener():
    """A TCP port on the host's loopback that records what it receives."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(30)
    received = []

    def serve():
        try:
            conn, _ = server.accept()
            with conn:
                received.append(conn.recv(100))
        except OSError:
            pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server.getsockname()[1], received
    server.close()
    thread.join(timeout=5)


def run_with(tmp_path, port: int, isolated: bool):
    (tmp_path / "connect.py").write_text(CONNECT)
    yaml = tmp_path / "pipeline.yaml"
    yaml.write_text(PIPELINE.format(isolated="true" if isolated else "false", port=port))
    ws = tmp_path / "ws"
    result = runner.invoke(app, ["run", str(yaml), "--local", "--workspace", str(ws)])
    rec = records.list_all(Workspace.at(ws))[0]
    return result, rec, ws


def test_without_isolation_the_script_reaches_the_host(tmp_path, listener):
    port, received = listener
    result, rec, ws = run_with(tmp_path, port, isolated=False)
    assert result.exit_code == 0, result.output
    assert rec.steps["Connect"].status == "Succeeded"
    for _ in range(50):
        if received:
            break
        threading.Event().wait(0.1)
    assert received == [b"hello from the step"]
    assert "network_isolation" not in rec.steps["Connect"].security


def test_with_isolation_the_connection_fails_and_only_a_downed_loopback_exists(tmp_path, listener):
    port, received = listener
    result, rec, ws = run_with(tmp_path, port, isolated=True)
    assert result.exit_code == 1, result.output
    step = rec.steps["Connect"]
    assert step.status == "Failed" and "exited with code 1" in step.failure
    assert step.security["network_isolation"] is True
    log = (ws / "executions" / rec.id / "steps" / "Connect" / "stderr.log").read_text()
    assert "Network is unreachable" in log or "Connection refused" in log, log
    assert received == []
    seen = json.loads((ws.parent / "ws" / "executions" / rec.id / "steps" / "Connect" / "opt_ml" / "processing"
                       / "out" / "seen.json").read_text())
    assert seen == {"interfaces": ["lo"], "lo_up": False}


def test_kms_and_vpc_are_recorded_and_the_summary_says_once_they_are_not_enforced(tmp_path, listener):
    port, _ = listener
    result, rec, ws = run_with(tmp_path, port, isolated=False)
    assert result.exit_code == 0, result.output
    recorded = json.loads((ws / "executions" / rec.id / "execution.json").read_text())["steps"]["Connect"]["security"]
    assert recorded == {"volume_kms_key": "alias/mlpc-test", "output_kms_key": "alias/mlpc-test",
                        "vpc": {"Subnets": ["subnet-0a1b2c3d"], "SecurityGroupIds": ["sg-0a1b2c3d"]}}
    text = " ".join(result.output.split())  # the console wraps long lines
    assert text.count("not enforced locally") == 1
    assert "encryption settings of Connect: recorded in the execution record, not enforced locally" in text


ISOLATED_PIPELINE = """\
pipeline:
  name: isolated-jobs
  role: arn:aws:iam::123456789012:role/R
  bucket: mlpc-test
  security: {{network_isolation: true}}
  local:
    data:
      "s3://mlpc-test/raw/breast-cancer.csv": {csv}
steps:
  Preprocess:
    type: processing
    framework: sklearn
    framework_version: "1.2-1"
    instance_type: ml.m5.large
    code: {scripts}/preprocess.py
    inputs:
      raw: {{source: "s3://mlpc-test/raw/", destination: /opt/ml/processing/input}}
    outputs:
      train: {{source: /opt/ml/processing/train}}
      validation: {{source: /opt/ml/processing/validation}}
      test: {{source: /opt/ml/processing/test}}
  TrainScript:
    type: training
    framework: sklearn
    framework_version: "1.2-1"
    entry_point: train_sklearn.py
    source_dir: {scripts}
    instance_type: ml.m5.large
    hyperparameters: {{n-estimators: 10}}
    channels:
      train: "${{steps.Preprocess.outputs.train}}"
      validation: "${{steps.Preprocess.outputs.validation}}"
  Train:
    type: training
    algorithm: xgboost
    algorithm_version: "1.7-1"
    instance_type: ml.m5.large
    hyperparameters: {{objective: "binary:logistic", num_round: 5}}
    channels:
      train: {{source: "${{steps.Preprocess.outputs.train}}", content_type: text/csv}}
  Model:
    type: model
    image: 683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1
    model_data: "${{steps.Train.model_data}}"
  Score:
    type: transform
    model_name: "${{steps.Model.ModelName}}"
    instance_type: ml.m5.large
    input: {{data: "${{steps.Preprocess.outputs.test}}", content_type: text/csv, split_type: Line}}
    data_processing: {{input_filter: "$[1:]"}}
"""


def test_a_pipeline_with_every_job_isolated_runs_locally(tmp_path):
    """Script-mode training under isolation gets its code from the `code` channel (as on SageMaker);
    the transform job runs isolated because its model is."""
    from .conftest import RAW_CSV, SCRIPTS

    import shutil

    # code and local data are read only from inside the project (the YAML's folder here)
    shutil.copytree(SCRIPTS, tmp_path / "scripts", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(RAW_CSV, tmp_path / "raw.csv")
    yaml = tmp_path / "pipeline.yaml"
    yaml.write_text(ISOLATED_PIPELINE.format(csv="raw.csv", scripts="scripts"))
    ws = tmp_path / "ws"
    result = runner.invoke(app, ["run", str(yaml), "--local", "--workspace", str(ws)])
    assert result.exit_code == 0, result.output
    rec = records.list_all(Workspace.at(ws))[0]
    assert {n: s.security.get("network_isolation") for n, s in rec.steps.items()} == {
        "Preprocess": True, "TrainScript": True, "Train": True, "Model": True, "Score": True}
    definition = json.loads((ws / "executions" / rec.id / "definition.json").read_text())
    script = next(s for s in definition["Steps"] if s["Name"] == "TrainScript")["Arguments"]
    assert "code" in [c["ChannelName"] for c in script["InputDataConfig"]]
    assert "not enforced locally" not in result.output  # isolation only: nothing left unenforced


USER_NS_CHILD = """\
import os, sys, tempfile
from pathlib import Path
from mlpc.local import sandbox
box, why = sandbox.probe()
assert box is not None and "--map-root-user" in box.prefix, (box, why)
assert sandbox.probe_network() is None, sandbox.probe_network()
d = Path(tempfile.mkdtemp())
for isolated in (False, True):
    (d / str(isolated)).mkdir()
    argv = sandbox.command(box, d / str(isolated), ["/usr/bin/python3", "-c",
                           "import socket; print([n for _, n in socket.if_nameindex()])"], isolate_network=isolated)
    res = sandbox.run(argv, dict(os.environ), d / f"{isolated}.out", d / f"{isolated}.err")
    print(isolated, res.returncode, (d / f"{isolated}.out").read_text().strip(), (d / f"{isolated}.err").read_text())
"""


@pytest.mark.skipif(os.geteuid() != 0 or shutil.which("setpriv") is None or not Path("/usr/bin/python3").exists(),
                    reason="needs root to switch to an unprivileged user (setpriv) and /usr/bin/python3")
def test_the_user_namespace_variant_isolates_too_when_not_root():
    """Not root: the sandbox is `unshare --map-root-user`, and `--net` joins it in the same user namespace."""
    proc = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", sys.executable, "-c",
                           USER_NS_CHILD], capture_output=True, text=True, timeout=60)
    if "Permission denied" in proc.stderr or "user namespace" in proc.stderr:
        pytest.skip(f"unprivileged user namespaces unavailable: {proc.stderr.strip()[-200:]}")
    assert proc.returncode == 0, proc.stderr
    lines = dict(line.strip().split(" ", 1) for line in proc.stdout.splitlines() if line.strip())
    assert lines["True"] == "0 ['lo']"
    assert lines["False"].startswith("0 [") and lines["False"] != "0 ['lo']"  # the host's interfaces
