"""The render's deployment script (deploy/deploy.py) against a recording stand-in for the AWS CLI.

No AWS is reachable here. Each test copies the render's deploy/ folder (templates, parameter
files, the script) into a project of its own, fills in the parameter files, and puts first on PATH
an `aws` that writes down every command it is given and answers from the test's script of replies,
and a `cfn-lint` that does the same. The tests then hold the script to the exact commands it runs
per environment, to nothing executed without confirmation, and to one line and a non-zero exit on
any failure: a failed change set or stack, a lint finding, a parameter file with a secret in it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SERVICE = "scheduler-service"
PIPELINE = f"{SERVICE}-pipeline"
BUCKET = "scheduler-pipeline-artifactbucket-1abc"
BUCKET_DOMAIN = f"{BUCKET}.s3.eu-west-1.amazonaws.com"
DEPLOY_ROLE = "arn:aws:iam::123456789012:role/scheduler-service-pipeline-DeployRole-X1"
REPOSITORY = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/scheduler-service"
CURRENT_IMAGE = f"{REPOSITORY}:aaaaaaaaaaaa"
CHANGE_SET = re.compile(r"deploy-\d{8}-\d{6}")
FILLED = {
    "VpcId": "vpc-0123456789abcdef0",
    "PublicSubnetIds": "subnet-0a,subnet-0b",
    "PrivateSubnetIds": "subnet-0c,subnet-0d",
    "CertificateArn": "arn:aws:acm:eu-west-1:123456789012:certificate/abc",
    "ConnectionArn": "arn:aws:codeconnections:eu-west-1:123456789012:connection/abc",
    "FullRepositoryId": "alf/scheduler-service",
}

# The stand-in `aws` (and `cfn-lint`): it appends its arguments to FAKE_LOG as one JSON line, then
# answers from FAKE_REPLIES, a list of {"args": prefix, "replies": [...]}: the first rule whose
# prefix the arguments start with gives its n-th reply to its n-th call (the last one after that).
# "@CHANGE_SET@" in a reply stands for the change set named last. No rule: exit 0, "{}".
FAKE = r"""#!PYTHON -S
import json, os, sys
name, args = os.path.basename(sys.argv[0]), sys.argv[1:]
log = os.environ["FAKE_LOG"]
seen = [json.loads(line) for line in open(log)] if os.path.exists(log) else []
with open(log, "a") as out:
    out.write(json.dumps([name, *args]) + "\n")
change_sets = [c[c.index("--change-set-name") + 1] for c in seen if "--change-set-name" in c]
for rule in json.load(open(os.environ["FAKE_REPLIES"])):
    prefix = [rule.get("command", "aws"), *rule["args"]]
    if [name, *args][: len(prefix)] == prefix:
        earlier = sum(1 for c in seen if c[: len(prefix)] == prefix)
        reply = rule["replies"][min(earlier, len(rule["replies"]) - 1)]
        stdout = reply.get("stdout", {})
        text = stdout if isinstance(stdout, str) else json.dumps(stdout)
        sys.stdout.write(text.replace("@CHANGE_SET@", change_sets[-1] if change_sets else ""))
        sys.stderr.write(reply.get("stderr", ""))
        sys.exit(reply.get("exit", 0))
sys.stdout.write("{}" if name == "aws" else "")
"""


# --- the project, the stand-ins and their replies ------------------------------------------------
@pytest.fixture
def project(default_project: Path, tmp_path: Path) -> Path:
    """A copy of the render's deploy/ folder and Makefile, parameter files filled in."""
    copy = tmp_path / "project"
    shutil.copytree(default_project / "deploy", copy / "deploy")
    shutil.copy(default_project / "Makefile", copy / "Makefile")
    for path in [*(copy / "deploy/environments").glob("*.json"), copy / "deploy/pipeline.json"]:
        data = json.loads(path.read_text(encoding="utf-8"))
        for key, value in data["Parameters"].items():
            if value == "CHANGE-ME":
                data["Parameters"][key] = FILLED.get(key, f"{path.stem}.example.org")
        path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    return copy


def stack(name: str, status: str = "UPDATE_COMPLETE", image: str = CURRENT_IMAGE) -> dict:
    return {"Stacks": [{
        "StackName": name, "StackStatus": status,
        "Parameters": [{"ParameterKey": "ImageUri", "ParameterValue": image}],
        "Outputs": [{"OutputKey": "ImageUri", "OutputValue": image},
                    {"OutputKey": "ServiceUrl", "OutputValue": f"https://{name}.example.org"}],
    }]}  # fmt: skip


PIPELINE_STACK = {"Stacks": [{
    "StackName": PIPELINE, "StackStatus": "UPDATE_COMPLETE",
    "Outputs": [{"OutputKey": k, "OutputValue": v} for k, v in {
        "RepositoryUri": REPOSITORY, "ArtifactBucketName": BUCKET,
        "ArtifactBucketDomainName": BUCKET_DOMAIN, "DeployRoleArn": DEPLOY_ROLE,
        "PipelineName": SERVICE,
    }.items()],
}]}  # fmt: skip
MISSING = {
    "exit": 254,
    "stderr": "\nAn error occurred (ValidationError) when calling the DescribeStacks operation: "
    "Stack with id {name} does not exist\n",
}
CHANGES = {
    "Status": "CREATE_COMPLETE",
    "Changes": [
        {"ResourceChange": {"Action": "Modify", "LogicalResourceId": "WebTaskDefinition",
                            "ResourceType": "AWS::ECS::TaskDefinition", "Replacement": "True"}},
        {"ResourceChange": {"Action": "Modify", "LogicalResourceId": "WebService",
                            "ResourceType": "AWS::ECS::Service", "Replacement": "False"}},
    ],
}  # fmt: skip


def rule(*args: str, replies: list[dict], command: str = "aws") -> dict:
    return {"command": command, "args": list(args), "replies": replies}


def describe(name: str, *replies: dict) -> dict:
    return rule("cloudformation", "describe-stacks", "--stack-name", name, replies=list(replies))


def environment_replies(environment: str, **overrides: dict) -> list[dict]:
    """An environment that exists and updates cleanly, unless a reply is overridden by key."""
    name = f"{SERVICE}-{environment}"
    replies = {
        "pipeline": describe(PIPELINE, {"stdout": PIPELINE_STACK}),
        "stack": describe(name, {"stdout": stack(name)}),
        "change-set": rule("cloudformation", "describe-change-set", replies=[{"stdout": CHANGES}]),
    }
    replies.update(overrides)
    return list(replies.values())


def deploy(
    project: Path, *args: str, replies: list[dict], answer: str | None = None,
    lint: dict | None = None, path: str | None = None, tools: tuple[str, ...] = ("aws", "cfn-lint"),
) -> tuple[subprocess.CompletedProcess, list[list[str]]]:  # fmt: skip
    """Run deploy/deploy.py with the stand-ins first on PATH: (its result, the commands run)."""
    bin_dir = project / "fake-bin"
    bin_dir.mkdir(exist_ok=True)
    for name in tools:
        (bin_dir / name).write_text(FAKE.replace("PYTHON", sys.executable), encoding="utf-8")
        (bin_dir / name).chmod(0o755)
    lint_rule = rule("--format", replies=[lint or {}], command="cfn-lint")
    (project / "replies.json").write_text(json.dumps([lint_rule, *replies]), encoding="utf-8")
    log = project / "commands.log"
    log.unlink(missing_ok=True)
    env = {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{path or os.environ['PATH']}",
        "FAKE_LOG": str(log),
        "FAKE_REPLIES": str(project / "replies.json"),
    }
    result = subprocess.run(
        [sys.executable, "deploy/deploy.py", *args], cwd=project, env=env, input=answer,
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    commands = [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []
    return result, commands


def normalized(commands: list[list[str]]) -> list[list[str]]:
    """The commands with the change set's name (a timestamp) as CHANGE_SET."""
    return [[CHANGE_SET.sub("CHANGE_SET", arg) for arg in command] for command in commands]


def value_after(command: list[str], option: str) -> str:
    return command[command.index(option) + 1]


def one_line(result: subprocess.CompletedProcess) -> str:
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.returncode != 0 and len(lines) == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


# --- deploying an environment --------------------------------------------------------------------
@pytest.mark.parametrize("environment", ["staging", "production"])
def test_deploy_runs_exactly_these_commands(project: Path, environment: str):
    name = f"{SERVICE}-{environment}"
    result, commands = deploy(
        project, "deploy", environment, "--yes", replies=environment_replies(environment)
    )
    assert result.returncode == 0, result.stderr
    names = ["--stack-name", name, "--change-set-name", "CHANGE_SET"]
    key = f"templates/{name}/CHANGE_SET.yml"
    create = normalized(commands)[4]
    assert normalized(commands) == [
        ["cfn-lint", "--format", "parseable", "--", "deploy/service.yml"],
        ["aws", "cloudformation", "describe-stacks", "--stack-name", PIPELINE, "--output", "json"],
        ["aws", "cloudformation", "describe-stacks", "--stack-name", name, "--output", "json"],
        ["aws", "s3", "cp", "deploy/service.yml", f"s3://{BUCKET}/{key}", "--only-show-errors"],
        ["aws", "cloudformation", "create-change-set", *names, "--change-set-type", "UPDATE",
         "--template-url", f"https://{BUCKET_DOMAIN}/{key}",
         "--parameters", value_after(create, "--parameters"),
         "--capabilities", "CAPABILITY_NAMED_IAM", "--role-arn", DEPLOY_ROLE,
         "--tags", value_after(create, "--tags"), "--output", "json"],
        ["aws", "cloudformation", "wait", "change-set-create-complete", *names],
        ["aws", "cloudformation", "describe-change-set", *names, "--output", "json"],
        ["aws", "cloudformation", "execute-change-set", *names,
         "--client-request-token", "CHANGE_SET"],
        ["aws", "cloudformation", "wait", "stack-update-complete", "--stack-name", name],
        ["aws", "cloudformation", "describe-stacks", "--stack-name", name, "--output", "json"],
    ]  # fmt: skip
    # Every parameter comes from the environment's file; the image stays the pipeline's.
    filed = json.loads((project / f"deploy/environments/{environment}.json").read_text())
    parameters = json.loads(value_after(create, "--parameters"))
    assert parameters == [
        *({"ParameterKey": k, "ParameterValue": v} for k, v in filed["Parameters"].items()),
        {"ParameterKey": "ImageUri", "UsePreviousValue": True},
    ]
    assert {"ParameterKey": "EnvironmentName", "ParameterValue": environment} in parameters
    tags = json.loads(value_after(create, "--tags"))
    assert {"Key": "environment", "Value": environment} in tags
    # What changes is shown before it is executed, and the outcome after.
    assert "WebTaskDefinition" in result.stdout and "(replaced)" in result.stdout
    assert f"{environment}: UPDATE_COMPLETE; runs {CURRENT_IMAGE}; https://{name}" in result.stdout


def test_a_new_environment_starts_with_the_newest_image(project: Path):
    name = f"{SERVICE}-staging"
    images = {"imageDetails": [
        {"imageTags": ["bbbbbbbbbbbb"], "imagePushedAt": "2030-01-02T10:00:00+00:00"},
        {"imageTags": ["cccccccccccc", "buildcache"], "imagePushedAt": "2030-01-03T10:00:00+00:00"},
        {"imageTags": ["aaaaaaaaaaaa"], "imagePushedAt": "2030-01-01T10:00:00+00:00"},
    ]}  # fmt: skip
    missing = {**MISSING, "stderr": MISSING["stderr"].format(name=name)}
    replies = environment_replies(
        "staging",
        stack=describe(name, missing, {"stdout": stack(name, "CREATE_COMPLETE")}),
        images=rule("ecr", "describe-images", replies=[{"stdout": images}]),
    )
    result, commands = deploy(project, "deploy", "staging", "--yes", replies=replies)
    assert result.returncode == 0, result.stderr
    assert ["aws", "ecr", "describe-images", "--repository-name", SERVICE,
            "--filter", "tagStatus=TAGGED", "--output", "json"] in commands  # fmt: skip
    create = next(c for c in commands if "create-change-set" in c)
    assert value_after(create, "--change-set-type") == "CREATE"
    assert json.loads(value_after(create, "--parameters"))[-1] == {
        "ParameterKey": "ImageUri", "ParameterValue": f"{REPOSITORY}:cccccccccccc"
    }  # fmt: skip
    assert [
        "aws",
        "cloudformation",
        "wait",
        "stack-create-complete",
        "--stack-name",
        name,
    ] in commands


# --- nothing without confirmation ----------------------------------------------------------------
@pytest.mark.parametrize("answer", ["n\n", "", "yes please\n"], ids=["no", "no-answer", "unclear"])
def test_nothing_is_executed_without_confirmation(project: Path, answer: str):
    result, commands = deploy(
        project, "deploy", "staging", replies=environment_replies("staging"), answer=answer
    )
    line = one_line(result)
    assert line == "deploy staging: not confirmed, nothing changed (--yes skips the question)"
    assert "Execute this change set on scheduler-service-staging? [y/N]" in result.stdout
    assert not any("execute-change-set" in c for c in commands)
    assert normalized(commands)[-1] == [
        "aws", "cloudformation", "delete-change-set",
        "--stack-name", f"{SERVICE}-staging", "--change-set-name", "CHANGE_SET",
    ]  # fmt: skip


def test_a_yes_at_the_question_executes(project: Path):
    result, commands = deploy(
        project, "deploy", "production", replies=environment_replies("production"), answer="y\n"
    )
    assert result.returncode == 0, result.stderr
    assert any("execute-change-set" in c for c in commands)


def test_make_deploy_runs_the_script_for_the_named_environment(project: Path):
    dry = subprocess.run(
        ["make", "--no-print-directory", "-n", "deploy", "ENV=staging", "YES=1"],
        cwd=project, capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    assert dry.returncode == 0, dry.stderr
    assert ".venv/bin/python deploy/deploy.py deploy staging --yes" in dry.stdout
    bare = subprocess.run(["make", "--no-print-directory", "deploy"], cwd=project,
                          capture_output=True, text=True, timeout=30)  # fmt: skip
    assert bare.returncode != 0 and "make deploy ENV=<environment>" in bare.stderr


# --- failures: one line, a non-zero exit ---------------------------------------------------------
def test_a_failed_change_set_is_one_line(project: Path):
    failed = {"Status": "FAILED", "StatusReason": "Parameter validation failed: parameter value "
              "vpc-0123 for parameter name VpcId does not exist."}  # fmt: skip
    replies = environment_replies(
        "staging",
        **{
            "change-set": rule(
                "cloudformation", "describe-change-set", replies=[{"stdout": failed}]
            )
        },
    )
    result, commands = deploy(project, "deploy", "staging", "--yes", replies=replies)
    line = one_line(result)
    assert re.fullmatch(
        r"deploy staging: change set deploy-\d{8}-\d{6} is FAILED: Parameter validation failed: "
        r"parameter value vpc-0123 for parameter name VpcId does not exist\.",
        line,
    ), line
    assert not any("execute-change-set" in c for c in commands)


def test_a_change_set_without_changes_is_no_failure(project: Path):
    empty = {"Status": "FAILED", "StatusReason": "The submitted information didn't contain "
             "changes. Submit different information to create a change set."}  # fmt: skip
    replies = environment_replies(
        "staging",
        **{
            "change-set": rule("cloudformation", "describe-change-set", replies=[{"stdout": empty}])
        },
    )
    result, commands = deploy(project, "deploy", "staging", "--yes", replies=replies)
    assert result.returncode == 0, result.stderr
    assert "scheduler-service-staging: no changes; nothing to do" in result.stdout
    assert any("delete-change-set" in c for c in commands)
    assert not any("execute-change-set" in c for c in commands)


def test_a_failed_stack_is_one_line_naming_the_first_failure(project: Path):
    name = f"{SERVICE}-staging"
    breaker = ("Resource handler returned message: \"Error occurred during operation 'ECS "
               "Deployment Circuit Breaker was triggered'.\" (HandlerErrorCode: "
               "GeneralServiceException)")  # fmt: skip
    events = {"StackEvents": [  # newest first, as CloudFormation lists them
        {"LogicalResourceId": name, "ResourceStatus": "UPDATE_ROLLBACK_COMPLETE",
         "ClientRequestToken": "@CHANGE_SET@"},
        {"LogicalResourceId": "WorkerService", "ResourceStatus": "UPDATE_FAILED",
         "ResourceStatusReason": "Resource update cancelled", "ClientRequestToken": "@CHANGE_SET@"},
        {"LogicalResourceId": "WebService", "ResourceStatus": "UPDATE_FAILED",
         "ResourceStatusReason": breaker, "ClientRequestToken": "@CHANGE_SET@"},
        {"LogicalResourceId": "Database", "ResourceStatus": "UPDATE_FAILED",
         "ResourceStatusReason": "an earlier deployment's failure", "ClientRequestToken": "old"},
    ]}  # fmt: skip
    waiter = {"exit": 255, "stderr": "\nWaiter StackUpdateComplete failed: Waiter encountered a "
              "terminal failure state: For expression \"Stacks[].StackStatus\" we matched "
              "expected path: \"UPDATE_ROLLBACK_COMPLETE\" at least once\n"}  # fmt: skip
    replies = environment_replies(
        "staging",
        stack=describe(
            name, {"stdout": stack(name)}, {"stdout": stack(name, "UPDATE_ROLLBACK_COMPLETE")}
        ),
        wait=rule("cloudformation", "wait", "stack-update-complete", replies=[waiter]),
        events=rule("cloudformation", "describe-stack-events", replies=[{"stdout": events}]),
    )
    result, commands = deploy(project, "deploy", "staging", "--yes", replies=replies)
    assert one_line(result) == (
        f"deploy staging: {name} failed, now UPDATE_ROLLBACK_COMPLETE: WebService {breaker}"
    )
    assert ["aws", "cloudformation", "describe-stack-events", "--stack-name", name,
            "--max-items", "100", "--output", "json"] in commands  # fmt: skip


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("UPDATE_IN_PROGRESS", "is UPDATE_IN_PROGRESS: wait until it settles"),
        ("ROLLBACK_COMPLETE", "is ROLLBACK_COMPLETE: its creation failed; delete it"),
    ],
)
def test_a_stack_that_cannot_take_a_change_set_is_one_line(project: Path, status, expected):
    name = f"{SERVICE}-production"
    replies = environment_replies(
        "production", stack=describe(name, {"stdout": stack(name, status)})
    )
    result, commands = deploy(project, "deploy", "production", "--yes", replies=replies)
    assert expected in one_line(result)
    assert not any("create-change-set" in c for c in commands)


def test_a_lint_finding_stops_it_before_any_aws_command(project: Path):
    finding = {"exit": 2, "stdout": "deploy/service.yml:12:5:12:20:E3002:Additional properties "
               "are not allowed ('HealthCheckPathz' was unexpected)\n"}  # fmt: skip
    result, commands = deploy(
        project, "deploy", "staging", replies=environment_replies("staging"), lint=finding
    )
    assert one_line(result) == (
        "deploy staging: deploy/service.yml fails cfn-lint (1 findings), first: "
        "deploy/service.yml:12:5:12:20:E3002:Additional properties are not allowed "
        "('HealthCheckPathz' was unexpected)"
    )
    assert [c[0] for c in commands] == ["cfn-lint"]


def test_an_aws_error_is_its_last_line(project: Path):
    denied = {
        "exit": 254,
        "stderr": "\nAn error occurred (AccessDenied) when calling the DescribeStacks operation: "
        "User: arn:aws:iam::1:user/ci is not authorized\n",
    }
    replies = environment_replies("staging", pipeline=describe(PIPELINE, denied))
    result, _ = deploy(project, "deploy", "staging", "--yes", replies=replies)
    assert one_line(result) == (
        "deploy staging: aws cloudformation describe-stacks failed: An error occurred "
        "(AccessDenied) when calling the DescribeStacks operation: User: arn:aws:iam::1:user/ci "
        "is not authorized"
    )


def test_without_the_pipeline_stack_it_says_what_to_deploy_first(project: Path):
    missing = {**MISSING, "stderr": MISSING["stderr"].format(name=PIPELINE)}
    result, _ = deploy(project, "deploy", "staging", replies=[describe(PIPELINE, missing)])
    assert one_line(result) == (
        f"deploy staging: no stack {PIPELINE}: deploy the pipeline first (make deploy-pipeline)"
    )


def test_without_the_aws_cli_it_says_so(project: Path):
    result, commands = deploy(
        project, "pipeline", replies=[], path="/nonexistent", tools=("cfn-lint",)
    )
    assert [c[0] for c in commands] == ["cfn-lint"]
    assert one_line(result) == (
        "deploy pipeline: aws is not installed (docs/deploy.md, Prerequisites)"
    )


# --- parameter files -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("key", "value", "section"),
    [
        ("DatabasePassword", "correct-horse-battery-staple", "Parameters"),
        ("AlarmEmail", "AKIAIOSFODNN7EXAMPLE", "Parameters"),
        ("DomainName", "https://admin:hunter2@staging.example.org", "Parameters"),
        ("ci_token", "ghp_0123456789abcdefghijABCDEFGHIJ", "Tags"),
    ],
    ids=["secret-name", "aws-key-value", "password-in-url", "token-tag"],
)
def test_a_parameter_file_with_a_secret_is_refused(project: Path, key, value, section):
    path = project / "deploy/environments/staging.json"
    data = json.loads(path.read_text())
    data[section][key] = value
    path.write_text(json.dumps(data))
    result, commands = deploy(
        project, "deploy", "staging", "--yes", replies=environment_replies("staging")
    )
    line = one_line(result)
    assert line.startswith(f"deploy staging: deploy/environments/staging.json: {key} looks like a "
                           "secret; keep secrets in Secrets Manager"), line  # fmt: skip
    assert value not in line
    assert commands == []  # refused before linting or calling AWS


def test_values_still_to_fill_in_are_refused(project: Path, default_project: Path):
    shutil.copy(default_project / "deploy/pipeline.json", project / "deploy/pipeline.json")
    result, commands = deploy(project, "pipeline", "--yes", replies=[])
    assert one_line(result) == (
        "deploy pipeline: deploy/pipeline.json: ConnectionArn is still CHANGE-ME: fill it in "
        "(docs/deploy.md, A new environment) (and 1 more: deploy/deploy.py check)"
    )
    assert commands == []


@pytest.mark.parametrize("environment", ["qa", "Prod", "pipeline"])
def test_an_unknown_environment_is_refused(project: Path, environment: str):
    result, commands = deploy(project, "deploy", environment, replies=[])
    assert one_line(result).startswith(f"deploy {environment}: ")
    assert commands == []


def test_a_new_environment_is_a_new_parameter_file(project: Path):
    staging = json.loads((project / "deploy/environments/staging.json").read_text())
    staging["Parameters"]["EnvironmentName"] = "qa"
    (project / "deploy/environments/qa.json").write_text(json.dumps(staging))
    result, commands = deploy(project, "deploy", "qa", "--yes", replies=environment_replies("qa"))
    assert result.returncode == 0, result.stderr
    assert f"{SERVICE}-qa" in commands[2]


def test_check_reads_every_parameter_file_offline(project: Path, default_project: Path):
    check = [sys.executable, "deploy/deploy.py", "check"]
    fresh = subprocess.run(check, cwd=default_project, capture_output=True, text=True, timeout=60)
    assert fresh.returncode == 0 and "3 parameter files, 0 problems" in fresh.stdout, fresh.stderr
    production = project / "deploy/environments/production.json"
    data = json.loads(production.read_text())
    data["Parameters"]["WebCount"] = "2"
    data["Parameters"]["EnvironmentName"] = "prod"
    production.write_text(json.dumps(data))
    broken = subprocess.run(check, cwd=project, capture_output=True, text=True, timeout=60)
    assert broken.returncode == 1
    assert broken.stderr.splitlines() == [
        "deploy/environments/production.json: WebCount is no parameter of deploy/service.yml",
        "deploy/environments/production.json: EnvironmentName must be 'production', the file's "
        "name",
    ]


# --- rollback and the pipeline stack -------------------------------------------------------------
def test_rollback_puts_back_the_image_the_environment_ran_before(project: Path):
    name = f"{SERVICE}-production"
    family = f"{name}-web"
    arn = f"arn:aws:ecs:eu-west-1:123456789012:task-definition/{family}"
    older = f"{REPOSITORY}:0123456789ab"

    def definition(image: str) -> dict:
        containers = [{"name": "app", "image": image}, {"name": "queue-metrics", "image": image}]
        return {"stdout": {"taskDefinition": {"containerDefinitions": containers}}}

    replies = environment_replies(
        "production",
        service=rule("ecs", "describe-services", replies=[
            {"stdout": {"services": [{"taskDefinition": f"{arn}:7"}]}}]),
        active=rule("ecs", "list-task-definitions", "--family-prefix", family, "--status", "ACTIVE",
                    replies=[{"stdout": {"taskDefinitionArns": [f"{arn}:7"]}}]),
        inactive=rule("ecs", "list-task-definitions", "--family-prefix", family, "--status",
                      "INACTIVE", replies=[{"stdout": {"taskDefinitionArns": [
                          f"{arn}:8", f"{arn}:6", f"{arn}:5", f"{arn}2:4"]}}]),
        newer=rule("ecs", "describe-task-definition", "--task-definition", f"{arn}:8",
                   replies=[definition(f"{REPOSITORY}:failedfailed")]),
        same=rule("ecs", "describe-task-definition", "--task-definition", f"{arn}:6",
                  replies=[definition(CURRENT_IMAGE)]),
        before=rule("ecs", "describe-task-definition", "--task-definition", f"{arn}:5",
                    replies=[definition(older)]),
    )  # fmt: skip
    result, commands = deploy(project, "rollback", "production", "--yes", replies=replies)
    assert result.returncode == 0, result.stderr
    looked_at = [
        c[c.index("--task-definition") + 1] for c in commands if "describe-task-definition" in c
    ]
    assert looked_at == [f"{arn}:6", f"{arn}:5"]  # newest first, never the newer failed revision
    create = next(c for c in commands if "create-change-set" in c)
    assert json.loads(value_after(create, "--parameters"))[-1] == {
        "ParameterKey": "ImageUri", "ParameterValue": older
    }  # fmt: skip
    assert "production: UPDATE_COMPLETE; rolled back from" in result.stdout


def test_rollback_to_a_named_image_asks_ecs_nothing(project: Path):
    image = f"{REPOSITORY}:feedfeedfeed"
    result, commands = deploy(project, "rollback", "staging", "--image", image, "--yes",
                              replies=environment_replies("staging"))  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert not any(c[1] == "ecs" for c in commands if c[0] == "aws")
    create = next(c for c in commands if "create-change-set" in c)
    assert json.loads(value_after(create, "--parameters"))[-1]["ParameterValue"] == image


def test_the_pipeline_stack_is_deployed_from_its_own_parameter_file(project: Path):
    result, commands = deploy(project, "pipeline", "--yes", replies=environment_replies("staging"))
    assert result.returncode == 0, result.stderr
    names = ["--stack-name", PIPELINE, "--change-set-name", "CHANGE_SET"]
    create = normalized(commands)[2]
    assert normalized(commands) == [
        ["cfn-lint", "--format", "parseable", "--", "deploy/pipeline.yml"],
        ["aws", "cloudformation", "describe-stacks", "--stack-name", PIPELINE, "--output", "json"],
        ["aws", "cloudformation", "create-change-set", *names, "--change-set-type", "UPDATE",
         "--template-body", "file://deploy/pipeline.yml",
         "--parameters", value_after(create, "--parameters"),
         "--capabilities", "CAPABILITY_IAM", "--tags", value_after(create, "--tags"),
         "--output", "json"],
        ["aws", "cloudformation", "wait", "change-set-create-complete", *names],
        ["aws", "cloudformation", "describe-change-set", *names, "--output", "json"],
        ["aws", "cloudformation", "execute-change-set", *names,
         "--client-request-token", "CHANGE_SET"],
        ["aws", "cloudformation", "wait", "stack-update-complete", "--stack-name", PIPELINE],
        ["aws", "cloudformation", "describe-stacks", "--stack-name", PIPELINE, "--output", "json"],
    ]  # fmt: skip
    filed = json.loads((project / "deploy/pipeline.json").read_text())["Parameters"]
    given = json.loads(value_after(create, "--parameters"))
    assert given == [{"ParameterKey": k, "ParameterValue": v} for k, v in filed.items()]


def test_the_pipeline_template_fits_in_a_change_set_request(default_project: Path):
    """The pipeline's template goes inline (--template-body, at most 51,200 bytes); the service
    stack's, larger, goes through the artifact bucket."""
    assert (default_project / "deploy/pipeline.yml").stat().st_size < 51_200
