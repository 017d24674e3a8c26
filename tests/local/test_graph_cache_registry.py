"""Step graph (branches, dependencies, cycles), cache keys and expiry, the local Model Registry."""

from datetime import datetime, timedelta, timezone

from mlpc.local.cache import StepCache, cache_key, cache_settings, parse_duration
from mlpc.local.graph import build_graph
from mlpc.local.registry import Registry, flat_metrics


def step(name, typ="Processing", **kw):
    return {"Name": name, "Type": typ, "Arguments": kw.pop("Arguments", {}), **kw}


def test_graph_flattens_branches_and_orders_by_dependencies():
    d = {"Steps": [
        step("Eval", Arguments={"In": {"Get": "Steps.Train.ModelArtifacts.S3ModelArtifacts"}}),
        step("Train", "Training"),
        step("Check", "Condition", Arguments={
            "Conditions": [{"Type": "Equals", "LeftValue": {"Get": "Steps.Eval.ProcessingJobName"}, "RightValue": 1}],
            "IfSteps": [step("Register", "RegisterModel")], "ElseSteps": [step("Stop", "Fail")]}),
        step("Notify", "Lambda", DependsOn=["Register"]),
    ]}
    graph, errors = build_graph(d)
    assert errors == []
    order = graph.order()
    assert order.index("Train") < order.index("Eval") < order.index("Check") < order.index("Register") < order.index("Notify")
    assert graph.nodes["Register"].condition == "Check" and graph.nodes["Register"].branch == "IfSteps"
    assert graph.nodes["Stop"].branch == "ElseSteps"
    assert graph.nodes["Check"].deps == {"Eval"}  # not the deps of the steps in its branches
    assert graph.downstream("Train") == {"Eval", "Check", "Register", "Stop", "Notify"}


def test_graph_errors_name_the_problem():
    _, errors = build_graph({"Steps": [step("A", DependsOn=["Ghost"]), step("A")]})
    assert "step name 'A' is used twice" in errors
    _, errors = build_graph({"Steps": [step("A", DependsOn=["Ghost"])]})
    assert errors == ["step 'A' refers to step 'Ghost', which the definition does not have"]
    _, errors = build_graph({"Steps": [step("A", DependsOn=["B"]), step("B", DependsOn=["A"])]})
    assert len(errors) == 1 and errors[0].startswith("the steps depend on each other in a cycle: ")
    assert "A" in errors[0] and "B" in errors[0]


def test_durations():
    assert parse_duration("P30D") == timedelta(days=30)
    assert parse_duration("PT1H30M") == timedelta(hours=1, minutes=30)
    assert parse_duration("P1Y2M1W") == timedelta(days=365 + 60 + 7)
    assert parse_duration("30dT5h") == timedelta(days=30, hours=5) and parse_duration("T16m") == timedelta(minutes=16)
    assert parse_duration("P") is None and parse_duration("30 days") is None and parse_duration(None) is None


def test_cache_settings_and_key():
    s = step("A", CacheConfig={"Enabled": True, "ExpireAfter": "P1D"})
    assert cache_settings(s) == (True, timedelta(days=1))
    assert cache_settings(step("A", CacheConfig={"Enabled": False})) == (False, None)
    assert cache_settings(step("M", "Model", CacheConfig={"Enabled": True}))[0] is False  # not cacheable
    args = {"AppSpecification": {"ImageUri": "i"}, "ProcessingInputs": [{"S3Input": {"S3Uri": "s3://b/x"}}],
            "ProcessingOutputConfig": {"Outputs": [{"OutputName": "o"}]}, "RoleArn": "r1"}
    key = cache_key(s, args)
    assert key == cache_key(dict(s, Name="Other"), args)
    # SageMaker's key fields for Processing: AppSpecification, Environment, ProcessingInputs (not outputs, role...)
    assert key == cache_key(s, {**args, "ProcessingOutputConfig": {"Outputs": []}, "RoleArn": "r2"})
    assert key != cache_key(s, {**args, "AppSpecification": {"ImageUri": "j"}})
    assert key != cache_key(s, {**args, "Environment": {"A": "1"}})
    assert key != cache_key(dict(s, PropertyFiles=[{"PropertyFileName": "R"}]), args)
    tuning = step("T", "Tuning")
    definition = {"StaticHyperParameters": {"a": "1"}, "RoleArn": "r1", "OutputDataConfig": {"S3OutputPath": "s3://b/1"}}
    tkey = cache_key(tuning, {"TrainingJobDefinition": definition})
    assert tkey == cache_key(tuning, {"TrainingJobDefinition": {**definition, "RoleArn": "r2",
                                                                "OutputDataConfig": {"S3OutputPath": "s3://b/2"}}})
    assert tkey != cache_key(tuning, {"TrainingJobDefinition": {**definition, "StaticHyperParameters": {"a": "2"}}})


def test_cache_lookup_honours_expiry_and_pipeline(tmp_path):
    cache = StepCache(tmp_path / "db.sqlite")
    created = datetime(2024, 1, 1, tzinfo=timezone.utc)
    cache.store("k", "pipe", "A", "Processing", "e1", {"P": 1}, 1.5, created.isoformat().replace("+00:00", "Z"))
    hit = cache.lookup("k", "pipe", timedelta(days=2), now=created + timedelta(days=1))
    assert hit.execution_id == "e1" and hit.properties == {"P": 1}
    assert cache.lookup("k", "pipe", timedelta(days=2), now=created + timedelta(days=3)) is None
    assert cache.lookup("k", "pipe", None, now=created + timedelta(days=300)) is not None
    assert cache.lookup("k", "other-pipe", None) is None
    assert cache.lookup("k2", "pipe", None) is None


def test_registry_versions_metrics_and_approval(tmp_path):
    reg = Registry(tmp_path / "db.sqlite")
    report = {"metrics": {"accuracy": {"value": 0.95}, "auc": {"value": 0.99}},
              "binary_classification_metrics": {"accuracy": {"value": 0.95}, "confusion_matrix": {"0": {}}}}
    kw = dict(status="PendingManualApproval", description=None, execution_id="e1", pipeline="p", step="Reg",
              image="img", model_data_url="s3://b/m.tar.gz", inference_spec={}, reports={"ModelQuality.Statistics": report})
    v1 = reg.register("group-a", **kw)
    v2 = reg.register("group-a", **{**kw, "execution_id": "e2"})
    assert (v1.version, v2.version) == (1, 2)
    assert v1.metrics == {"accuracy": 0.95, "auc": 0.99}
    assert v2.arn.endswith("model-package/group-a/2")
    assert [p.version for p in reg.list("group-a")] == [2, 1]
    pkg, err = reg.set_status("group-a", 1, "Approved", "good")
    assert err is None and pkg.status == "Approved" and pkg.status_reason == "good"
    assert "'Maybe' is not an approval status" in reg.set_status("group-a", 1, "Maybe")[1]
    assert "has no version 9" in reg.set_status("group-a", 9, "Approved")[1]
    assert "no model package group 'nope'" in reg.set_status("nope", 1, "Approved")[1]


def test_flat_metrics():
    assert flat_metrics({"regression_metrics": {"mse": {"value": 1.5}, "r2": {"value": 0.8}}}) == {"mse": 1.5, "r2": 0.8}
    assert flat_metrics([1, 2]) == {}
