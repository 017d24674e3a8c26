"""Stand a generated CloudFormation template up on the moto server.

moto's CloudFormation skips resource types it does not implement (CodeBuild projects, CodePipeline
pipelines, CodeCommit repositories, bucket policies). Those are created here through moto's own
service APIs, with the template's properties turned into the API's request shapes; everything else
goes through moto's CloudFormation as one stack. References between the two halves are resolved
by their names (the template names every API-made resource explicitly).
"""

from __future__ import annotations

import copy
import json
import re

VIA_API = ("AWS::CodeCommit::Repository", "AWS::S3::BucketPolicy", "AWS::CodeBuild::Project",
           "AWS::CodePipeline::Pipeline")
ACCOUNT, REGION = "123456789012", "us-east-1"
# CFN property name -> API member name where lowerCamelCase is not enough
RENAMES = {"BuildSpec": "buildspec"}
DROP = {"RestartExecutionOnUpdate"}  # CloudFormation-only


def _camel(value, in_configuration=False):
    if isinstance(value, list):
        return [_camel(v, in_configuration) for v in value]
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if k in DROP:
                continue
            key = k if in_configuration else RENAMES.get(k, k[:1].lower() + k[1:])
            out[key] = _camel(v, in_configuration or k == "Configuration")
        return out
    if isinstance(value, bool) and in_configuration:
        return "true" if value else "false"  # action configuration values are strings in the API
    return value


class Resolver:
    """Fn::Sub / Ref / Fn::GetAtt against known values."""

    def __init__(self, refs: dict, attrs: dict):
        self.refs, self.attrs = refs, attrs

    def __call__(self, value):
        if isinstance(value, list):
            return [self(v) for v in value]
        if isinstance(value, dict):
            if set(value) == {"Ref"} and value["Ref"] in self.refs:
                return self.refs[value["Ref"]]
            if set(value) == {"Fn::GetAtt"} and tuple(value["Fn::GetAtt"]) in self.attrs:
                return self.attrs[tuple(value["Fn::GetAtt"])]
            if set(value) == {"Fn::Sub"} and isinstance(value["Fn::Sub"], str):
                text = self._sub(value["Fn::Sub"])
                return text if "${" not in text else {"Fn::Sub": text}
            return {k: self(v) for k, v in value.items()}
        return value

    def _sub(self, text: str) -> str:
        def one(m):
            name = m.group(1)
            if "." in name:
                res, attr = name.split(".", 1)
                return self.attrs.get((res, attr), m.group(0))
            return self.refs.get(name, m.group(0))
        return re.sub(r"\$\{([^}]+)\}", one, text)


def deploy(clients, template: dict, stack: str, parameters: dict) -> dict:
    """Create everything; returns {logical id: physical id or name}."""
    cfn, s3, iam = clients("cloudformation"), clients("s3"), clients("iam")
    t = copy.deepcopy(template)
    res = t["Resources"]
    api = {k: v for k, v in res.items() if v["Type"] in VIA_API}
    refs = {"AWS::AccountId": ACCOUNT, "AWS::Region": REGION, "AWS::Partition": "aws", **parameters}
    attrs = {}
    for logical, r in api.items():
        props = r["Properties"]
        if r["Type"] == "AWS::CodeBuild::Project":
            refs[logical] = props["Name"]
            attrs[(logical, "Arn")] = f"arn:aws:codebuild:{REGION}:{ACCOUNT}:project/{props['Name']}"
        elif r["Type"] == "AWS::CodePipeline::Pipeline":
            refs[logical] = props["Name"]
        elif r["Type"] == "AWS::CodeCommit::Repository":
            repo = clients("codecommit").create_repository(
                repositoryName=props["RepositoryName"], repositoryDescription=props.get("RepositoryDescription", ""),
                tags={x["Key"]: x["Value"] for x in props.get("Tags", [])})["repositoryMetadata"]
            refs[logical] = attrs[(logical, "Name")] = repo["repositoryName"]
            attrs[(logical, "Arn")], attrs[(logical, "CloneUrlHttp")] = repo["Arn"], repo["cloneUrlHttp"]
    resolve_api_names = Resolver({k: v for k, v in refs.items() if k in api}, {k: v for k, v in attrs.items() if k[0] in api})
    stack_part = {k: resolve_api_names(v) for k, v in res.items() if k not in api}
    outputs = {k: resolve_api_names(v) for k, v in t.get("Outputs", {}).items()}
    body = {**{k: v for k, v in t.items() if k not in ("Resources", "Outputs")}, "Resources": stack_part, "Outputs": outputs}
    cfn.create_stack(StackName=stack, TemplateBody=json.dumps(body), Capabilities=["CAPABILITY_IAM"],
                     Parameters=[{"ParameterKey": k, "ParameterValue": v} for k, v in parameters.items()])
    status = cfn.describe_stacks(StackName=stack)["Stacks"][0]["StackStatus"]
    assert status == "CREATE_COMPLETE", status
    physical = {r["LogicalResourceId"]: r["PhysicalResourceId"]
                for r in cfn.describe_stack_resources(StackName=stack)["StackResources"]}
    for logical, pid in physical.items():
        kind = stack_part[logical]["Type"]
        refs[logical] = pid
        if kind == "AWS::IAM::Role":
            attrs[(logical, "Arn")] = iam.get_role(RoleName=pid)["Role"]["Arn"]
        elif kind == "AWS::S3::Bucket":
            attrs[(logical, "Arn")] = f"arn:aws:s3:::{pid}"
    resolve = Resolver(refs, attrs)
    for logical, r in api.items():
        props = resolve(r["Properties"])
        if r["Type"] == "AWS::S3::BucketPolicy":
            s3.put_bucket_policy(Bucket=props["Bucket"], Policy=json.dumps(props["PolicyDocument"]))
        elif r["Type"] == "AWS::CodeBuild::Project":
            request = _camel(props)
            for part in ("source", "artifacts"):  # moto wants a location even for CODEPIPELINE (AWS does not)
                if request[part]["type"] == "CODEPIPELINE":
                    request[part].setdefault("location", request["name"])
            clients("codebuild").create_project(**request)
        elif r["Type"] == "AWS::CodePipeline::Pipeline":
            body = _camel({k: v for k, v in props.items() if k != "Tags"})
            clients("codepipeline").create_pipeline(pipeline=body, tags=_camel(props.get("Tags", [])))
    return refs
