"""ECR hostnames per region, as botocore's endpoint resolver gives them (no botocore import)."""

from __future__ import annotations

import json
import os
import re

from .errors import MlpcError
from .pkgdata import package_dir


class EcrError(MlpcError):
    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message, hint, "ecr")


_CACHE: dict = {}


def _endpoints_path() -> str:
    """Where botocore's loader would find endpoints.json (~/.aws/models first)."""
    botocore = package_dir("botocore")
    dirs = [os.path.join(os.path.expanduser("~"), ".aws", "models")]
    dirs += [os.path.join(botocore, "data")] if botocore else []
    paths = [os.path.join(d, "endpoints" + ext) for d in dirs if os.path.isdir(d) for ext in (".json", ".json.gz")]
    path = next((p for p in paths if os.path.isfile(p)), None)
    if path is None:
        raise EcrError("botocore endpoint data (endpoints.json) not found", "pip install botocore")
    return path


def _endpoints() -> dict:
    """botocore's endpoint data, found like ``botocore.loaders.create_loader().load_data``."""
    if "<endpoints>" not in _CACHE:
        path = _endpoints_path()
        with open(path, "rb") as f:
            raw = f.read()
        if path.endswith(".gz"):
            import gzip

            raw = gzip.decompress(raw)
        _CACHE["<endpoints>"] = json.loads(raw.decode("utf-8"))
    return _CACHE["<endpoints>"]  # type: ignore[return-value]


def _endpoints_key() -> str:
    """What the disk memos are keyed by: botocore's endpoint data file, its size and mtime."""
    source = _endpoints_path()
    stat = os.stat(source)
    return f"{source}:{stat.st_size}:{int(stat.st_mtime)}"


def hostname(region: str) -> str:
    """The ECR hostname for `region`, memoized on disk per botocore endpoint data file
    (parsing that 1.25 MB file costs ~16 ms on every compile otherwise)."""
    from .diskcache import cache_file, read_json, write_json

    key = _endpoints_key()
    path = cache_file("ecr-hostnames.json")
    memo = read_json(path)
    if not isinstance(memo, dict) or not all(isinstance(v, dict) for v in memo.values()):
        memo = {}
    hosts = memo.setdefault(key, {})  # one entry per endpoint file, so venvs don't evict each other
    host = hosts.get(region)
    if host is None:
        host = _resolve_ecr_hostname(region)
        hosts[region] = host
        write_json(path, memo)
    return host


def known_regions() -> frozenset:
    """Every region of every partition in botocore's endpoint data, memoized on disk per file."""
    from .diskcache import cache_file, read_json, write_json

    key = _endpoints_key()
    path = cache_file("aws-regions.json")
    memo = read_json(path)
    if isinstance(memo, dict) and isinstance(memo.get(key), list):
        return frozenset(memo[key])
    regions = sorted({r for p in _endpoints()["partitions"] for r in p.get("regions", {})})
    write_json(path, {key: regions})
    return frozenset(regions)


def _resolve_ecr_hostname(region: str) -> str:
    """``botocore.regions.EndpointResolver.construct_endpoint("ecr", region)["hostname"]``."""
    for partition in _endpoints()["partitions"]:
        service = partition.get("services", {}).get("ecr", {"endpoints": {}})
        name = region
        if region not in service.get("endpoints", {}):
            matches = region in partition.get("regions", {}) or (
                "regionRegex" in partition and re.match(partition["regionRegex"], region))
            if not matches:
                continue
            if service.get("partitionEndpoint") and not service.get("isRegionalized", True):
                name = service["partitionEndpoint"]
        endpoint = service.get("endpoints", {}).get(name, {})
        hostname = endpoint.get("hostname") or service.get("defaults", {}).get("hostname") \
            or partition.get("defaults", {}).get("hostname")
        dns_suffix = endpoint.get("dnsSuffix") or partition["dnsSuffix"]
        return hostname.format(service="ecr", region=name, dnsSuffix=dns_suffix)
    if region == "il-central-1":  # the SDK's own fallback
        return f"ecr.{region}.amazonaws.com"
    raise EcrError(f"no ECR endpoint is known for region '{region}'")


# ------------------------------------------------------------------------- public
