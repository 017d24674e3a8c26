"""Run a pipeline definition locally: the orchestrator.

Steps start when their dependencies have succeeded (several at once, up to
the CPU count or the definition's ParallelismConfiguration). A Condition
step's outcome picks the branch; the other branch's steps, and steps that
depend on them, are Skipped. After a failure (or a Fail step) no new step
starts; steps never started are NotStarted. Progress is reported through
`on_event(Event)`, always from the calling thread; nothing here prints.
"""

from __future__ import annotations

import hashlib
import heapq
import json
import os
import threading
import time
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Callable

from . import sandbox, security, unemulated
from .cache import StepCache, cache_key, cache_settings
from .envs import Environments
from .evaluate import resolve
from .filehash import HashMemo
from .executors import EXECUTORS, INLINE, RAW_ARGUMENTS, stub
from .executors.base import ExecutionInfo, StepContext, StepOutcome, failed, job_name
from .graph import StepGraph, build_graph
from .records import (EXECUTING, FAILED, NOT_STARTED, SKIPPED, SUCCEEDED, ExecutionRecord, RecordWriter, StepRecord,
                      now_iso)
from .registry import Registry
from .store import LocalStore, parse_s3_uri
from .workspace import Workspace, new_execution_id


@dataclass(frozen=True)
class Event:
    kind: str  # execution_started | step_started | step_finished | execution_finished
    execution: ExecutionRecord
    step: StepRecord | None = None


@dataclass
class RunOptions:
    pipeline_name: str = "local-pipeline"
    region: str = "us-east-1"
    source: str | None = None  # the pipeline file, for the record
    use_cache: bool = True
    stubs: dict = field(default_factory=dict)  # step -> {output: value}
    max_parallel: int | None = None
    env: str = "host"  # host | container: the Python of the steps' scripts (envs.py)
    env_tool: object = None  # what builds container environments (None: uvtool.Uv); tests pass a fake


@dataclass
class ExecutionResult:
    record: ExecutionRecord
    log_tails: dict = field(default_factory=dict)  # failed step -> the tail of its log

    @property
    def ok(self) -> bool:
        return self.record.status == SUCCEEDED


def run_definition(definition: dict, workspace: Workspace, parameters: dict, options: RunOptions,
                   on_event: Callable[[Event], None] | None = None) -> tuple[ExecutionResult | None, list[str]]:
    """Run a definition with its parameter values (defaults already merged). Returns (result, errors)."""
    graph, errors = build_graph(definition)
    if errors:
        return None, errors
    workspace.ensure()
    return _Run(definition, graph, workspace, parameters, options, on_event or (lambda e: None)).go(), []


class _Run:
    def __init__(self, definition, graph: StepGraph, ws: Workspace, parameters, options: RunOptions, on_event):
        self.definition, self.graph, self.ws, self.options, self.emit = definition, graph, ws, options, on_event
        self.params = dict(parameters)
        self.store = LocalStore(ws.s3_dir, HashMemo(ws.db_path))
        self.registry = Registry(ws.db_path, options.region)
        self.cache = StepCache(ws.db_path)
        eid = new_execution_id()
        digest = hashlib.sha256(json.dumps(definition, sort_keys=True, separators=(",", ":")).encode()).hexdigest()
        self.info = ExecutionInfo(eid, options.pipeline_name, options.region, now_iso(), digest)
        self.props: dict = {}
        self.security: dict = {}  # step -> the security settings its job asked for
        self.envs = Environments(options.env, tool=options.env_tool)
        self.environments: dict = {}  # step -> its libraries vs its container's pins
        self.not_emulated: dict = {}  # step -> what its job asks for that a local run does not do
        self.lock = threading.Lock()
        self.record = ExecutionRecord(
            id=eid, pipeline=options.pipeline_name, source=options.source, status=EXECUTING, started=self.info.started,
            parameters=self.params, cache_enabled=options.use_cache,
            steps={n: StepRecord(n, node.type) for n, node in graph.nodes.items()})
        self.tails: dict = {}
        cfg = (definition.get("ParallelismConfiguration") or {}).get("MaxParallelExecutionSteps")
        limits = [x for x in (options.max_parallel, cfg, os.cpu_count() or 1) if isinstance(x, int) and x > 0]
        self.parallel = min(limits)
        self.writer = RecordWriter(ws, self.record)
        # Scheduling is driven by events: a step is looked at again only when one of the steps
        # it waits for changes state, so each event costs O(its dependents), not O(all steps).
        self.index = {n: i for i, n in enumerate(graph.order())}
        self.dependents: dict = {n: [] for n in graph.nodes}
        for n, node in graph.nodes.items():
            for d in node.deps:
                self.dependents[d].append(n)
        self.waiting = dict.fromkeys(graph.order())  # not started yet, in graph order
        self.dirty = set(graph.nodes)  # steps whose decision may have changed
        self.ready: list = []  # heap of (graph index, name): may run once a slot is free

    # ------------------------------------------------------------ EvalContext
    def parameter(self, name):
        return self.params[name]

    def execution_variable(self, name, step):
        table = {"PipelineExecutionId": self.info.id, "PipelineExecutionArn": self.info.arn,
                 "PipelineName": self.info.pipeline, "PipelineArn": self.info.pipeline_arn,
                 "StartDateTime": self.info.started, "CurrentDateTime": now_iso()}
        if name in ("TrainingJobName", "ProcessingJobName") and step:
            return job_name(self.info.id, step)
        return table[name]

    def step_properties(self, step):
        with self.lock:
            return self.props.get(step)

    def step_definition(self, step):
        node = self.graph.nodes.get(step)
        return node.definition if node else None

    def _model_arguments(self, name):
        """The Arguments of the Model step of this execution that created model `name`."""
        with self.lock:
            return next((p for p in self.props.values() if isinstance(p, dict) and p.get("ModelName") == name
                         and "ModelArn" in p), None)

    def executed_steps(self) -> dict:
        with self.lock:
            return dict(self.props)

    def execution_parameters(self) -> dict:
        return dict(self.params)

    def read_object(self, uri):
        parsed, err = parse_s3_uri(uri)
        return None if err else self.store.get_bytes(parsed)

    # ------------------------------------------------------------ scheduling
    def go(self) -> ExecutionResult:
        self.writer.start(self.definition)
        self.emit(Event("execution_started", self.record))
        running: dict = {}
        start = time.perf_counter()
        with ThreadPoolExecutor(max_workers=self.parallel) as pool:
            try:
                while True:
                    self._schedule(running, pool)
                    if not running:
                        break
                    done, _ = wait(running, return_when=FIRST_COMPLETED)
                    for fut in done:
                        self._finish(running.pop(fut), *fut.result())
            except BaseException:  # Ctrl-C: stop this execution's processes before the pool waits for them
                sandbox.terminate(self.info.id)
                for name in running.values():
                    self.record.steps[name].status, self.record.steps[name].failure = FAILED, "interrupted"
                self.record.status = FAILED
                self.record.failure = {"step": None, "reason": "interrupted", "kind": "error"}
                self.record.ended = now_iso()
                self.writer.finish()
                raise
        for name in self.waiting:
            self.record.steps[name].status = NOT_STARTED
        if self.record.failure is None:
            self.record.status = SUCCEEDED
        else:
            self.record.status = FAILED
        self.record.ended, self.record.seconds = now_iso(), round(time.perf_counter() - start, 3)
        self.record.runner["peak_rss_mb"] = sandbox.own_peak_mb()
        self.writer.finish()
        self.emit(Event("execution_finished", self.record))
        return ExecutionResult(self.record, self.tails)

    def _schedule(self, running: dict, pool) -> None:
        while self.dirty or (self.ready and self.record.failure is None and len(running) < self.parallel):
            batch = sorted(self.dirty, key=self.index.__getitem__)
            self.dirty.clear()
            for name in batch:
                if name not in self.waiting:
                    continue
                decision = self._decide(name)
                if decision == SKIPPED:
                    del self.waiting[name]
                    rec = self.record.steps[name]
                    rec.status = SKIPPED
                    self.writer.step(rec)
                    self.emit(Event("step_finished", self.record, rec))
                    self.dirty.update(self.dependents[name])
                elif decision == "run":
                    heapq.heappush(self.ready, (self.index[name], name))
            while self.ready and self.record.failure is None and len(running) < self.parallel:
                _, name = heapq.heappop(self.ready)
                if name not in self.waiting:
                    continue
                del self.waiting[name]
                rec = self.record.steps[name]
                rec.status, rec.started = EXECUTING, now_iso()
                inline = self.graph.nodes[name].type in INLINE
                rec.log_dir = None if inline else str(self.ws.step_dir(self.info.id, name))
                self.writer.step(rec)
                self.emit(Event("step_started", self.record, rec))
                if inline:
                    self._finish(name, *self._execute(name))  # no process: a thread hand-off would cost more
                else:
                    running[pool.submit(self._execute, name)] = name

    def _decide(self, name: str) -> str:
        node = self.graph.nodes[name]
        steps = self.record.steps
        if node.condition:
            cond = steps[node.condition]
            if cond.status == SKIPPED:
                return SKIPPED
            if cond.status == SUCCEEDED and (node.branch == "IfSteps") != bool(cond.outcome):
                return SKIPPED
        statuses = [steps[d].status for d in node.deps]
        if SKIPPED in statuses:
            return SKIPPED
        return "run" if all(s == SUCCEEDED for s in statuses) else "wait"

    # ------------------------------------------------------------ one step (worker thread)
    def _execute(self, name: str) -> tuple[StepOutcome, float, dict]:
        with sandbox.peak_memory() as peak:
            outcome, seconds, cache_info = self._execute_step(name)
        cache_info["peak_rss_mb"] = peak.mb
        return outcome, seconds, cache_info

    def _execute_step(self, name: str) -> tuple[StepOutcome, float, dict]:
        start = time.perf_counter()
        node = self.graph.nodes[name]
        step_dir = self.ws.step_dir(self.info.id, name)
        if node.type not in INLINE:  # inline steps write no logs: their result is in the record
            step_dir.mkdir(parents=True, exist_ok=True)
        ctx = StepContext(name, node.type, node.definition, self.info, self.store, self.registry, step_dir,
                          None, None, self.options.stubs, self)
        cache_info: dict = {}
        try:
            outcome = self._outcome(ctx, node.definition, cache_info)
        except Exception as exc:  # a bug in mlpc, not in the user's step: report it on the step
            outcome = failed(f"internal error in mlpc while running the step: {type(exc).__name__}: {exc}")
        return outcome, time.perf_counter() - start, cache_info

    def _outcome(self, ctx: StepContext, definition: dict, cache_info: dict) -> StepOutcome:
        raw = definition.get("Arguments") or {}
        if ctx.type in RAW_ARGUMENTS:
            args, err = {"Conditions": raw.get("Conditions") or []}, None
        else:
            args, err = resolve(raw, self, ctx.name)
        if err:
            return failed(f"cannot resolve the step's arguments: {err}")
        found = security.settings(ctx.type, args, self._model_arguments)
        ctx.network_isolation = bool(found.get("network_isolation"))
        ignored = unemulated.findings(ctx.type, args)
        with self.lock:
            self.security[ctx.name] = found
            self.not_emulated[ctx.name] = ignored
        executor = EXECUTORS.get(ctx.type) or (stub.run if ctx.name in self.options.stubs else None)
        if executor is None:
            return failed(f"step type {ctx.type!r} has no local executor; stub it with --stub {ctx.name}")
        enabled, expire = cache_settings(definition)
        key = None
        if enabled:
            symbolic, err = resolve(raw, self, ctx.name, symbolic_execution=True)
            key = cache_key(definition, symbolic) if not err else None
            if key and self.envs.uses_container(ctx.type, args, self._model_arguments):
                # another Python and other libraries: a host run's result is not this run's (nor the reverse)
                key = hashlib.sha256(f"{key}:env=container".encode()).hexdigest()
        if key and self.options.use_cache:
            hit = self.cache.lookup(key, self.info.pipeline, expire)
            if hit:
                cache_info.update(cached=True, source=hit.execution_id)
                return StepOutcome(SUCCEEDED, hit.properties, script_seconds=0.0)
        env = self.envs.for_step(ctx.type, args, self._model_arguments)
        if env is not None:
            ctx.python = env.python
            with self.lock:
                self.environments[ctx.name] = env.note
        if ctx.type not in INLINE:  # probed here, not per run: a fully cached run starts no process at all
            ctx.sandbox, ctx.sandbox_error = sandbox.probe()
        outcome = executor(ctx, args)
        if key and outcome.status == SUCCEEDED:
            self.cache.store(key, self.info.pipeline, ctx.name, ctx.type, self.info.id, outcome.properties,
                             outcome.script_seconds, now_iso())
        return outcome

    # ------------------------------------------------------------ bookkeeping (main thread)
    def _finish(self, name: str, outcome: StepOutcome, seconds: float, cache_info: dict) -> None:
        rec = self.record.steps[name]
        rec.status, rec.ended, rec.seconds = outcome.status, now_iso(), round(seconds, 3)
        rec.script_seconds = round(outcome.script_seconds, 3)
        rec.cached, rec.cache_source = bool(cache_info.get("cached")), cache_info.get("source")
        rec.failure, rec.outcome, rec.detail = outcome.failure, outcome.outcome, outcome.detail
        rec.peak_rss_mb = cache_info.get("peak_rss_mb")
        with self.lock:
            self.props[name] = outcome.properties
            rec.security = self.security.get(name) or {}
            rec.environment = self.environments.get(name) or {}
            rec.not_emulated = self.not_emulated.get(name) or []
        step_dir = self.ws.step_dir(self.info.id, name)
        if step_dir.is_dir():
            (step_dir / "properties.json").write_text(json.dumps(outcome.properties, indent=2, sort_keys=True,
                                                                 default=str) + "\n")
        if outcome.status == FAILED:
            self.tails[name] = outcome.log_tail
            if self.record.failure is None:
                self.record.failure = {"step": name, "reason": outcome.failure, "kind": outcome.kind}
                self.writer.failure(self.record.failure)
        if outcome.outcome is not None:
            node = self.graph.nodes[name]
            args = node.definition.get("Arguments") or {}
            taken, other = ("IfSteps", "ElseSteps") if outcome.outcome else ("ElseSteps", "IfSteps")
            self.record.branches[name] = {"outcome": outcome.outcome, "taken": taken,
                                          "steps": [s.get("Name") for s in args.get(taken) or []],
                                          "skipped": [s.get("Name") for s in args.get(other) or []],
                                          "compared": list((outcome.detail or {}).get("compared") or [])}
            self.writer.branch(name, self.record.branches[name])
        self.writer.step(rec)
        self.dirty.update(self.dependents[name])
        self.emit(Event("step_finished", self.record, rec))
