"""`mlpc ci github`: GitHub Actions workflows, built as data and dumped once.

mlpc-pr-check.yml: on a pull request, validate (errors go to the job summary) and diff against
  the base branch (no AWS needed), posted as ONE sticky comment that later pushes update in place
  (found by a hidden marker), and written to the job summary.
mlpc-deploy.yml: on a push to the branch, deploy to each environment in turn (dev, then prod):
  OIDC credentials (aws-actions/configure-aws-credentials with role-to-assume, from the
  environment's AWS_ROLE_ARN variable; no stored keys), each environment with its own vars file,
  prod only after dev succeeded (and after its reviewers approve, when the GitHub environment
  has required reviewers).
"""

from __future__ import annotations

from typing import NamedTuple

from .buildspec import DEFAULT_WAIT_TIMEOUT
from .dump import dump_yaml

MARKER = "<!-- mlpc-diff -->"
CHECKOUT, SETUP_PYTHON, AWS_CREDENTIALS = ("actions/checkout@v4", "actions/setup-python@v5",
                                           "aws-actions/configure-aws-credentials@v4")


class GithubOptions(NamedTuple):
    files: str  # the pipeline files (space separated, or a glob)
    paths: tuple  # paths that trigger the workflows
    environments: tuple  # ((name, vars file, region), ...) in promotion order
    branch: str = "main"
    mlpc_source: str = ""
    wait_timeout: int = DEFAULT_WAIT_TIMEOUT
    lint_gate: bool = True  # mlpc lint errors fail the check


def _install(source: str) -> list:
    return [
        {"uses": CHECKOUT, "with": {"fetch-depth": 0}},
        {"uses": SETUP_PYTHON, "with": {"python-version": "3.11"}},
        # a pinned source, never the bare name `mlpc` (an unrelated project on the public index)
        {"name": "Install mlpc (distribution mlpc-sagemaker, pinned)", "env": {"MLPC_SOURCE": source},
         "run": 'test -n "$MLPC_SOURCE" || { echo "::error::set MLPC_SOURCE in this workflow to a pinned mlpc source '
                '(mlpc-sagemaker @ git+https://HOST/ORG/mlpc@COMMIT or a wheel URL)"; exit 1; }\n'
                'pip install "$MLPC_SOURCE"\nmlpc --version\n'},
    ]


VALIDATE_RUN = """\
set +e
mlpc validate $PIPELINE_FILES > validate.txt 2>&1
code=$?
cat validate.txt
if [ $code -ne 0 ]; then
  { echo "### mlpc validate failed"; echo; echo '```text'; cat validate.txt; echo '```'; } >> "$GITHUB_STEP_SUMMARY"
fi
exit $code
"""
LINT_RUN = """\
set +e
mlpc lint $PIPELINE_FILES > lint.txt 2>&1
code=$?
cat lint.txt
if [ $code -ne 0 ]; then
  { echo "### mlpc lint found errors"; echo; echo '```text'; cat lint.txt; echo '```'; } >> "$GITHUB_STEP_SUMMARY"
fi
[ $code -eq 0 ] || [ "$LINT_GATE" = "false" ]
"""
DIFF_RUN = """\
set +e
mlpc diff $PIPELINE_FILES --against "git:origin/$BASE_REF" --format markdown > diff.md 2> diff-errors.txt
code=$?
cat diff.md >> "$GITHUB_STEP_SUMMARY"
if [ $code -eq 1 ]; then
  cat diff-errors.txt
  { echo "### mlpc diff failed"; echo; echo '```text'; cat diff-errors.txt; echo '```'; } >> "$GITHUB_STEP_SUMMARY"
  { echo "mlpc diff failed:"; echo; echo '```text'; cat diff-errors.txt; echo '```'; } > diff.md
fi
echo "exit=$code" >> "$GITHUB_OUTPUT"
[ $code -ne 1 ]
"""
STICKY_COMMENT_RUN = f"""\
marker='{MARKER}'
{{ echo "$marker"; cat diff.md; }} > comment.md
id=$(gh api "repos/$GITHUB_REPOSITORY/issues/$PR/comments" --paginate \\
  --jq ".[] | select(.body | startswith(\\"$marker\\")) | .id" | head -n 1)
if [ -n "$id" ]; then
  gh api -X PATCH "repos/$GITHUB_REPOSITORY/issues/comments/$id" -F body=@comment.md > /dev/null
else
  gh api -X POST "repos/$GITHUB_REPOSITORY/issues/$PR/comments" -F body=@comment.md > /dev/null
fi
"""


def pr_check(opts: GithubOptions) -> dict:
    steps = _install(opts.mlpc_source) + [
        {"name": "Validate (errors in the job summary)", "run": VALIDATE_RUN},
        {"name": "Lint: security and governance rules (findings in the job summary)",
         "env": {"LINT_GATE": "true" if opts.lint_gate else "false"}, "run": LINT_RUN},
        {"name": "Semantic diff against the base branch", "id": "diff", "if": "always()",
         "env": {"BASE_REF": "${{ github.base_ref }}"}, "run": DIFF_RUN},
        {"name": "Sticky diff comment, updated in place",
         "if": "always() && github.event.pull_request.head.repo.full_name == github.repository",
         "env": {"GH_TOKEN": "${{ github.token }}", "PR": "${{ github.event.pull_request.number }}"},
         "run": STICKY_COMMENT_RUN},
    ]
    return {"name": "mlpc PR check",
            "on": {"pull_request": {"paths": list(opts.paths)}},
            "permissions": {"contents": "read", "pull-requests": "write"},
            "concurrency": {"group": "mlpc-pr-${{ github.event.pull_request.number }}", "cancel-in-progress": True},
            "env": {"PIPELINE_FILES": opts.files},
            "jobs": {"check": {"runs-on": "ubuntu-latest", "steps": steps}}}


def _deploy_job(env: tuple, needs: str | None, opts: GithubOptions) -> dict:
    name, vars_file, region = env
    steps = _install(opts.mlpc_source) + [
        {"name": f"AWS credentials for {name} (OIDC, no stored keys)", "uses": AWS_CREDENTIALS,
         "with": {"role-to-assume": "${{ vars.AWS_ROLE_ARN }}", "aws-region": region,
                  "role-session-name": "mlpc-deploy-${{ github.run_id }}"}},
        {"name": f"Deploy to {name} and run (fails unless every execution succeeds in time)",
         "env": {"VARS_FILE": vars_file, "WAIT_TIMEOUT": str(opts.wait_timeout)},
         "run": 'mlpc upsert $PIPELINE_FILES --vars-file "$VARS_FILE" --start --wait --timeout "$WAIT_TIMEOUT"\n'},
    ]
    job = {"runs-on": "ubuntu-latest", "environment": name,
           "timeout-minutes": opts.wait_timeout // 60 + 30, "steps": steps}
    if needs:
        job = {"needs": needs, **job}
    return job


def deploy(opts: GithubOptions) -> dict:
    jobs, previous = {}, None
    for env in opts.environments:
        jobs[env[0]] = _deploy_job(env, previous, opts)
        previous = env[0]
    return {"name": "mlpc deploy",
            "on": {"push": {"branches": [opts.branch], "paths": list(opts.paths)}, "workflow_dispatch": {}},
            "permissions": {"contents": "read", "id-token": "write"},
            "concurrency": {"group": "mlpc-deploy", "cancel-in-progress": False},
            "env": {"PIPELINE_FILES": opts.files},
            "jobs": jobs}


HEADER = ("Generated by mlpc ci github. Set the variable AWS_ROLE_ARN on each GitHub environment ({envs}):\n"
          "an IAM role whose trust policy allows token.actions.githubusercontent.com for this repository.")


def render(opts: GithubOptions) -> dict:
    """file name -> text."""
    head = HEADER.format(envs=", ".join(e[0] for e in opts.environments))
    return {"mlpc-pr-check.yml": dump_yaml(pr_check(opts), "Generated by mlpc ci github: the pull-request check."),
            "mlpc-deploy.yml": dump_yaml(deploy(opts), head)}
