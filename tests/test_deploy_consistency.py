"""The image and the stack that runs it agree, and every alarm can be acted on.

Quick, on renders (default and lean): every path a task definition mounts is a VOLUME of the
image, declared after the last build step that writes there and owned as it must be, and no mount
hides what the image prepares (the build-time caches); ECS Exec is on with what its agent needs;
every CloudWatch alarm has actions and a runbook section in docs/operations.md, and reads only
metrics that deploy/queue_metrics.py or a metric filter publishes. Each check is also shown to
catch a deliberately broken copy.

The release pipeline's stages line up (every artifact and variable comes from an earlier action,
every file a deployment reads is in the repository; migrate before deploy, staging smoke-tested,
a person's approval before production), the parameter files fit the stacks they deploy, and a
changed secret gets every service new tasks; each check with broken copies it catches.

Slow, with the default render's own virtualenv: the failed-tasks filter pattern against the JSON
lines the project's logging writes, the queue publisher against a real Celery queue in Redis, and
a read-only container that loads the build-time compiled code through the entrypoint.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
import re
import subprocess
import sys
import types
from datetime import UTC, datetime
from pathlib import Path

import pytest

from . import artifact_checks as checks
from .bakery import REDIS_URL, bake, project_python

# The ECS Exec agent's folders: it runs as root and runs what it stores there, so they stay root's.
ROOT_OWNED = frozenset({"/var/lib/amazon/ssm", "/var/log/amazon/ssm"})
MOUNTED = {"/tmp", *ROOT_OWNED}
PAGING_ALARMS = {
    "http-5xx-rate", "response-time-p99", "unhealthy-targets", "no-healthy-targets",
    "database-cpu", "database-free-storage", "database-connections", "cache-memory",
    "cache-evictions", "queue-backlog", "oldest-task-age", "failed-tasks", "secret-redeploy-failed",
}  # fmt: skip


@pytest.fixture(scope="module", params=["default", "lean"])
def project(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    answers = {"lean": {"scheduling_domain": "no"}}.get(request.param, {})
    return bake(tmp_path_factory.mktemp(f"consistency-{request.param}"), **answers)


@pytest.fixture(scope="module")
def default(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return bake(tmp_path_factory.mktemp("consistency-broken-copies"))


def stack(project: Path) -> dict:
    return checks.load_cfn(project / "deploy/service.yml")


def dockerfile(project: Path) -> str:
    return (project / "Dockerfile").read_text(encoding="utf-8")


def runbook(project: Path) -> str:
    return (project / "docs/operations.md").read_text(encoding="utf-8")


def load_queue_metrics(project: Path, monkeypatch: pytest.MonkeyPatch) -> types.ModuleType:
    """The render's deploy/queue_metrics.py. The template's own environment has no Redis client,
    and nothing tested here talks to Redis: a stand-in takes its place if it is missing."""
    try:
        import redis  # noqa: F401
    except ImportError:
        stand_in = types.ModuleType("redis")
        stand_in.Redis = object  # type: ignore[attr-defined]
        stand_in.RedisError = Exception  # type: ignore[attr-defined]
        monkeypatch.setitem(sys.modules, "redis", stand_in)
    spec = importlib.util.spec_from_file_location(
        "queue_metrics", project / "deploy/queue_metrics.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- the image's VOLUMEs and the stack's mounts ---------------------------------------------------
def test_every_mount_is_a_volume_declared_after_its_writes_and_owned_right(project: Path):
    template = stack(project)
    assert checks.image_mount_problems(dockerfile(project), template, root_owned=ROOT_OWNED) == []
    for where, container in checks.container_definitions(template):
        paths = {m["ContainerPath"] for m in container["MountPoints"]}
        assert paths == MOUNTED, where
        assert container["ReadonlyRootFilesystem"] is True, where
    # The build-time caches live outside every mount (a mount would hide them).
    cache = re.search(r"^ENV XDG_CACHE_HOME=(\S+)$", dockerfile(project), re.M)
    assert cache and not any(cache.group(1).startswith(m) for m in MOUNTED)


def test_no_two_containers_share_a_volume(project: Path):
    """Two ECS Exec agents in one task must not share their state folder."""
    for name, task in checks.resources_of(stack(project), "AWS::ECS::TaskDefinition").items():
        props = task["Properties"]
        declared = [v["Name"] for v in props["Volumes"]]
        used = [m["SourceVolume"] for c in props["ContainerDefinitions"] for m in c["MountPoints"]]
        assert sorted(used) == sorted(declared), name


def move_volume_before(text: str, anchor: str) -> str:
    volume = re.search(r"^VOLUME .*\n", text, re.M).group(0)
    return text.replace(volume, "").replace(anchor, volume + anchor, 1)


@pytest.mark.parametrize(
    ("breakage", "expected"),
    [
        (lambda t: move_volume_before(t, "ENV XDG_CACHE_HOME="),
         "writes under /tmp after its VOLUME"),
        (lambda t: move_volume_before(t, "RUN env ${BUILD_ENV} python manage.py warm_up"),
         "writes under /tmp after its VOLUME"),
        (lambda t: re.sub(r"ENV XDG_CACHE_HOME=\S+", "ENV XDG_CACHE_HOME=/tmp/cache", t),
         "ENV XDG_CACHE_HOME prepares /tmp/cache, hidden by the mount on /tmp"),
        (lambda t: t.replace(', "/var/log/amazon/ssm"]', "]"),
         "mounts /var/log/amazon/ssm, which is no VOLUME of the image"),
        (lambda t: t.replace('    && chown "${APP_UID}:${APP_UID}" /tmp \\\n', ""),
         "/tmp is not given to the app user"),
        (lambda t: t.replace("mkdir -p /var/lib/amazon/ssm",
                             'install -d -o "${APP_UID}" /var/lib/amazon/ssm'),
         "gives /var/lib/amazon/ssm to the app user; it is root's"),
    ],
    ids=["volume-before-chown", "volume-before-warm-up", "cache-under-mount", "mount-not-a-volume",
         "tmp-not-chowned", "agent-folder-given-away"],
)  # fmt: skip
def test_the_mount_check_catches_a_broken_dockerfile(default: Path, breakage, expected):
    broken = breakage(dockerfile(default))
    assert broken != dockerfile(default), "the broken copy is out of date"
    problems = checks.image_mount_problems(broken, stack(default), root_owned=ROOT_OWNED)
    assert any(expected in p for p in problems), problems


def test_the_mount_check_catches_a_mount_over_the_build_time_caches(default: Path):
    cache = re.search(r"^ENV XDG_CACHE_HOME=(\S+)$", dockerfile(default), re.M).group(1)
    template = stack(default)
    web = template["Resources"]["WebTaskDefinition"]["Properties"]
    web["Volumes"].append({"Name": "cache"})
    web["ContainerDefinitions"][0]["MountPoints"].append(
        {"SourceVolume": "cache", "ContainerPath": cache}
    )
    problems = checks.image_mount_problems(dockerfile(default), template, root_owned=ROOT_OWNED)
    assert f"WebTaskDefinition/app mounts {cache}, which is no VOLUME of the image" in problems
    assert f"ENV XDG_CACHE_HOME prepares {cache}, hidden by the mount on {cache}" in problems


# --- ECS Exec and scale-in protection -------------------------------------------------------------
def test_ecs_exec_and_scale_in_protection_have_what_they_need(project: Path):
    resources = stack(project)["Resources"]
    for name, service in checks.resources_of(stack(project), "AWS::ECS::Service").items():
        assert service["Properties"]["EnableExecuteCommand"] is True, name
    statements = resources["TaskRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
    allowed = {
        action
        for s in statements
        for action in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])
    }
    assert {f"ssmmessages:{verb}{kind}Channel" for verb in ("Create", "Open")
            for kind in ("Control", "Data")} <= allowed  # fmt: skip
    assert {"ecs:UpdateTaskProtection", "ecs:GetTaskProtection"} <= allowed
    exec_config = resources["Cluster"]["Properties"]["Configuration"]["ExecuteCommandConfiguration"]
    assert exec_config["LogConfiguration"]["CloudWatchLogGroupName"] == {"Ref": "ExecLogGroup"}
    worker = resources["WorkerTaskDefinition"]["Properties"]["ContainerDefinitions"][0]
    assert worker["StopTimeout"] == 120  # the most Fargate allows


# --- alarms and their runbook ---------------------------------------------------------------------
def test_every_alarm_acts_and_has_a_runbook_section(project: Path):
    template = stack(project)
    assert checks.alarm_problems(template, runbook(project)) == []
    alarms = checks.resources_of(template, "AWS::CloudWatch::Alarm").values()
    names = {checks.alarm_name(alarm) for alarm in alarms}
    assert PAGING_ALARMS | {"worker-scale-out", "worker-scale-in"} == names
    subscription = template["Resources"]["AlarmEmailSubscription"]
    assert subscription["Condition"] == "HasAlarmEmail"
    assert template["Parameters"]["AlarmEmail"]["Default"] == ""
    assert re.fullmatch(template["Parameters"]["AlarmEmail"]["AllowedPattern"], "")
    assert re.fullmatch(template["Parameters"]["AlarmEmail"]["AllowedPattern"], "ops@example.org")


def test_the_alarm_check_catches_broken_copies(default: Path):
    template = stack(default)
    props = template["Resources"]["DatabaseCpuAlarm"]["Properties"]
    del props["OKActions"]
    template["Resources"]["QueueDepthLow"]["Properties"]["AlarmActions"] = []
    text = runbook(default).replace("### cache-evictions\n", "### cache evictions\n")
    problems = checks.alarm_problems(template, text)
    assert "DatabaseCpuAlarm: pages, but not when it is OK again (OKActions)" in problems
    assert "QueueDepthLow: no AlarmActions" in problems
    assert "CacheEvictionsAlarm: no '### cache-evictions' section in docs/operations.md" in problems


def test_every_custom_metric_an_alarm_reads_is_published(project: Path, monkeypatch):
    queue_metrics = load_queue_metrics(project, monkeypatch)
    line = queue_metrics.emf_line(namespace="ns", queue="q", depth=3, oldest_age=42.0)
    template = stack(project)
    used = checks.alarm_custom_metrics(template)
    published = checks.published_metrics(template, line)
    assert {name for _, name in used} == {"QueueDepth", "OldestTaskAgeSeconds", "FailedTasks"}
    assert set(used) <= published, {k: v for k, v in used.items() if k not in published}
    # The queue alarms' dimension is the queue the publisher measures.
    sidecar = next(
        c for _, c in checks.container_definitions(template)
        if "deploy/queue_metrics.py" in c["Command"]
    )  # fmt: skip
    queue = next(
        v["Value"] for v in sidecar["Environment"] if v["Name"] == "CELERY_TASK_DEFAULT_QUEUE"
    )
    for alarm in checks.resources_of(template, "AWS::CloudWatch::Alarm").values():
        if alarm["Properties"].get("MetricName") in {"QueueDepth", "OldestTaskAgeSeconds"}:
            assert alarm["Properties"]["Dimensions"] == [{"Name": "Queue", "Value": queue}]


def test_the_metric_check_catches_an_alarm_on_a_metric_nobody_publishes(default, monkeypatch):
    queue_metrics = load_queue_metrics(default, monkeypatch)
    line = queue_metrics.emf_line(namespace="ns", queue="q", depth=0)  # no age this minute
    template = stack(default)
    template["Resources"]["FailedTasksAlarm"]["Properties"]["MetricName"] = "FailedRuns"
    used = checks.alarm_custom_metrics(template)
    missing = set(used) - checks.published_metrics(template, line)
    assert {name for _, name in missing} == {"FailedRuns", "OldestTaskAgeSeconds"}


# --- the release pipeline -------------------------------------------------------------------------
def pipeline(project: Path) -> dict:
    return checks.load_cfn(project / "deploy/pipeline.yml")


def stages(template: dict) -> list[dict]:
    return template["Resources"]["Pipeline"]["Properties"]["Stages"]


def stage(template: dict, name: str) -> dict:
    return next(s for s in stages(template) if s["Name"] == name)


def action(template: dict, stage_name: str, name: str) -> dict:
    return next(a for a in stage(template, stage_name)["Actions"] if a["Name"] == name)


def test_a_release_goes_through_staging_a_smoke_test_and_an_approval(project: Path):
    template = pipeline(project)
    assert checks.pipeline_problems(template, project) == []
    order = [
        (a.stage, a.name)
        for a in sorted(checks.pipeline_actions(template), key=lambda a: a.position)
    ]
    assert order == [
        ("Source", "Source"), ("Build", "BuildTestPush"),
        ("Staging", "Migrate"), ("Staging", "Deploy"), ("SmokeTest", "SmokeTestStaging"),
        ("Approval", "ApproveProduction"), ("Production", "Migrate"), ("Production", "Deploy"),
    ]  # fmt: skip
    for environment in ("Staging", "Production"):
        deploy = action(template, environment, "Deploy")["Configuration"]
        # The pipeline sets the stack's image: the stack always names what its tasks run.
        assert json.loads(deploy["ParameterOverrides"]) == {"ImageUri": "#{Build.IMAGE_URI}"}
        assert deploy["ActionMode"] == "CREATE_UPDATE"
        assert deploy["TemplatePath"] == "SourceOutput::deploy/service.yml"
    assert len(stages(template)) == 6


def move_stage(template: dict, name: str, to: int) -> None:
    moved = stage(template, name)
    stages(template).remove(moved)
    stages(template).insert(to, moved)


def set_config(stage_name: str, action_name: str, key: str, value: object):
    def change(template: dict) -> None:
        action(template, stage_name, action_name)["Configuration"][key] = value

    return change


def swap_run_orders(template: dict) -> None:
    migrate, deploy = stage(template, "Production")["Actions"]
    migrate["RunOrder"], deploy["RunOrder"] = deploy["RunOrder"], migrate["RunOrder"]


def drop_from_pipeline_role(project_name: str):
    def change(template: dict) -> None:
        statements = template["Resources"]["PipelineRole"]["Properties"]["Policies"][0]
        for statement in statements["PolicyDocument"]["Statement"]:
            if isinstance(statement["Resource"], list):
                statement["Resource"] = [
                    r for r in statement["Resource"] if r != {"Fn::GetAtt": f"{project_name}.Arn"}
                ]

    return change


@pytest.mark.parametrize(
    ("breakage", "expected"),
    [
        (lambda t: action(t, "Staging", "Migrate")["InputArtifacts"][0].update(Name="BuildOut"),
         "Staging/Migrate: input artifact BuildOut comes from no earlier action"),
        (lambda t: action(t, "Build", "BuildTestPush")["OutputArtifacts"].append({"Name": "Logs"}),
         "artifact Logs is produced but never used"),
        (lambda t: move_stage(t, "SmokeTest", 2),
         "SmokeTest/SmokeTestStaging: #{StagingStack.ServiceUrl} comes from no earlier action"),
        (lambda t: move_stage(t, "Approval", 5),
         "Production/Deploy: no manual approval between the smoke test and production"),
        (lambda t: stages(t).remove(stage(t, "Approval")),
         "Production/Deploy: no manual approval between the smoke test and production"),
        (lambda t: stages(t).remove(stage(t, "SmokeTest")),
         "no smoke test of staging between its deployment and production's"),
        (swap_run_orders,
         "Production/Deploy: deploys ProductionEnvironment without migrating it first"),
        (lambda t: stage(t, "Production")["Actions"].pop(),
         "no action deploys the ProductionEnvironment stack"),
        (set_config("Production", "Deploy", "ParameterOverrides", '{"ImageUri": "#{Build.TAG}"}'),
         "Production/Deploy: Build/BuildTestPush exports no TAG"),
        (set_config("Staging", "Deploy", "TemplateConfiguration",
                    {"Fn::Sub": "SourceOutput::deploy/${StagingEnvironment}.json"}),
         "TemplateConfiguration names deploy/staging.json, which the repository lacks"),
        (set_config("Staging", "Deploy", "TemplatePath", "BuildOutput::deploy/service.yml"),
         "Staging/Deploy: TemplatePath reads BuildOutput, not an input of it"),
        (drop_from_pipeline_role("SmokeProject"),
         "SmokeTest/SmokeTestStaging: the pipeline's role may not start SmokeProject"),
    ],
    ids=["input-from-nowhere", "output-unused", "smoke-before-staging", "approval-after-production",
         "no-approval", "no-smoke-test", "deploy-before-migrate", "production-never-deployed",
         "variable-not-exported", "environment-file-missing", "template-from-another-artifact",
         "project-not-startable"],
)  # fmt: skip
def test_the_pipeline_check_catches_broken_copies(default: Path, breakage, expected):
    template = pipeline(default)
    breakage(template)
    problems = checks.pipeline_problems(template, default)
    assert any(expected in p for p in problems), problems


# --- parameter files: one per environment, no secrets ---------------------------------------------
def parameter_file(project: Path, name: str) -> dict:
    return json.loads((project / "deploy" / name).read_text(encoding="utf-8"))


def test_each_environment_is_a_parameter_file_that_fits_the_service_stack(project: Path):
    service = stack(project)
    files = sorted((project / "deploy/environments").glob("*.json"))
    assert [f.stem for f in files] == ["production", "staging"]
    for path in files:
        parameters = parameter_file(project, f"environments/{path.name}")
        assert checks.parameter_file_problems(parameters, service, environment=path.stem) == []
        assert parameters["Tags"]["environment"] == path.stem
    assert checks.parameter_file_problems(
        parameter_file(project, "pipeline.json"), pipeline(project), environment=None
    ) == []  # fmt: skip


def test_the_deploy_script_reads_the_templates_parameters_as_cloudformation_does(
    project: Path, monkeypatch
):
    """deploy/parameter_files.py reads the Parameters section without a YAML parser."""
    monkeypatch.syspath_prepend(str(project / "deploy"))
    for name in ("stacks", "parameter_files"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    parameter_files = importlib.import_module("parameter_files")
    for template in ("deploy/service.yml", "deploy/pipeline.yml"):
        declared = checks.load_cfn(project / template)["Parameters"]
        expected = {name: "Default" in spec for name, spec in declared.items()}
        assert parameter_files.template_parameters(template) == expected, template


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda p: p["Parameters"].update(DatabasePassword="hunter2"),
         "DatabasePassword is no parameter of the template"),
        (lambda p: p["Parameters"].update(DatabasePassword="hunter2"),
         "DatabasePassword looks like a secret"),
        (lambda p: p["Tags"].update(api_token="abc"), "api_token looks like a secret"),
        (lambda p: p["Parameters"].pop("VpcId"), "VpcId has no default and is missing"),
        (lambda p: p["Parameters"].update(EnvironmentName="prod"), "is 'prod', not 'production'"),
        (lambda p: p["Parameters"].update(WebMinCount=2), "WebMinCount: not a string"),
    ],
    ids=["unknown-parameter", "secret-name", "secret-tag", "required-missing", "other-environment",
         "number-not-string"],
)  # fmt: skip
def test_the_parameter_file_check_catches_broken_copies(default: Path, change, expected):
    parameters = parameter_file(default, "environments/production.json")
    change(parameters)
    problems = checks.parameter_file_problems(parameters, stack(default), environment="production")
    assert any(expected in p for p in problems), problems


def test_the_smoke_test_signs_in_as_the_user_each_migration_keeps(project: Path):
    """The smoke action reads the secret the service stack generates, and the migrate task (the
    entrypoint's migrate role) gets the same secret to keep the user in the database."""
    resources = stack(project)["Resources"]
    secret = resources["SmokeTestSecret"]["Properties"]
    assert secret["Name"] == {"Fn::Sub": "${ServiceName}/${EnvironmentName}/smoke-test"}
    assert json.loads(secret["GenerateSecretString"]["SecretStringTemplate"]) == {
        "username": "smoke-test"
    }
    assert secret["GenerateSecretString"]["GenerateStringKey"] == "password"
    smoke = action(pipeline(project), "SmokeTest", "SmokeTestStaging")
    variables = json.loads(smoke["Configuration"]["EnvironmentVariables"]["Fn::Sub"])
    assert {v["name"]: (v["value"], v["type"]) for v in variables if v["name"] != "BASE_URL"} == {
        f"SMOKE_TEST_{key.upper()}": (
            f"${{ServiceName}}/${{StagingEnvironment}}/smoke-test:{key}",
            "SECRETS_MANAGER",
        )
        for key in ("username", "password")
    }
    (migrate,) = resources["MigrateTaskDefinition"]["Properties"]["ContainerDefinitions"]
    given = {s["Name"]: s["ValueFrom"] for s in migrate["Secrets"]}
    assert given["SMOKE_TEST_USERNAME"] == {"Fn::Sub": "${SmokeTestSecret}:username::"}
    assert given["SMOKE_TEST_PASSWORD"] == {"Fn::Sub": "${SmokeTestSecret}:password::"}
    for name, task in checks.resources_of(stack(project), "AWS::ECS::TaskDefinition").items():
        names = {
            s["Name"]
            for c in task["Properties"]["ContainerDefinitions"]
            for s in c.get("Secrets") or []
        }
        assert ("SMOKE_TEST_PASSWORD" in names) is (name == "MigrateTaskDefinition"), name
    entrypoint = (project / "docker-entrypoint.sh").read_text(encoding="utf-8")
    assert "exec python manage.py smoke_user_ensure" in entrypoint


# --- a changed secret: new tasks, with nobody acting ----------------------------------------------
def test_a_changed_secret_gets_every_service_new_tasks(project: Path):
    template = stack(project)
    assert checks.redeploy_problems(template) == []
    rule = template["Resources"]["SecretChangedRule"]["Properties"]["EventPattern"]
    assert rule["source"] == ["aws.secretsmanager"]
    assert rule["detail-type"] == ["Secret Label Updated"]


def pattern(template: dict) -> dict:
    return template["Resources"]["SecretChangedRule"]["Properties"]["EventPattern"]


def branches(template: dict) -> list[dict]:
    definition = template["Resources"]["RedeployStateMachine"]["Properties"]["Definition"]
    return definition["States"]["Redeploy"]["Branches"]


@pytest.mark.parametrize(
    ("breakage", "expected"),
    [
        (lambda t: branches(t).pop(1), "worker is not redeployed when a secret changes"),
        (lambda t: pattern(t)["resources"].pop(),
         "AppSecret: when it changes, tasks keep the old value"),
        (lambda t: pattern(t)["resources"].pop(0),
         "Database.MasterUserSecret: when it changes, tasks keep the old value"),
        (lambda t: pattern(t).update(detail={"labelUpdated": ["AWSPENDING"]}),
         "the rule does not wait for AWSCURRENT"),
        (lambda t: t["Resources"]["RedeployRole"]["Properties"]["Policies"][0]["PolicyDocument"]
         ["Statement"][0]["Resource"].pop(),
         "the redeploy role may not update beat"),
    ],
    ids=["service-left-out", "app-secret-unwatched", "database-secret-unwatched", "wrong-label",
         "role-too-narrow"],
)  # fmt: skip
def test_the_redeploy_check_catches_broken_copies(default: Path, breakage, expected):
    template = stack(default)
    breakage(template)
    problems = checks.redeploy_problems(template)
    assert any(expected in p for p in problems), problems


# --- the queue publisher --------------------------------------------------------------------------
def test_the_publisher_writes_embedded_metric_format(default: Path, monkeypatch):
    queue_metrics = load_queue_metrics(default, monkeypatch)
    line = json.loads(queue_metrics.emf_line(namespace="ns", queue="q", depth=3, oldest_age=4.26))
    (directive,) = line["_aws"]["CloudWatchMetrics"]
    assert directive["Namespace"] == "ns" and directive["Dimensions"] == [["Queue"]]
    names = [m["Name"] for m in directive["Metrics"]]
    assert names == ["QueueDepth", "OldestTaskAgeSeconds"]
    # Every metric and dimension has its value at the top level, where CloudWatch reads it.
    assert (line["Queue"], line["QueueDepth"], line["OldestTaskAgeSeconds"]) == ("q", 3, 4.3)
    assert isinstance(line["_aws"]["Timestamp"], int)
    plain = json.loads(queue_metrics.emf_line(namespace="ns", queue="q", depth=3))
    assert "OldestTaskAgeSeconds" not in plain
    assert [m["Name"] for m in plain["_aws"]["CloudWatchMetrics"][0]["Metrics"]] == ["QueueDepth"]


@pytest.mark.parametrize(
    ("headers", "age"),
    [
        ({"published_at": "2030-01-01T11:58:00+00:00"}, 120.0),
        ({"published_at": "2030-01-01T11:58:00Z"}, 120.0),
        ({"published_at": "2030-01-01T11:58:00.500000"}, 119.5),  # UTC, unmarked
        ({"published_at": "2030-01-01T12:00:05+00:00"}, 0.0),  # clocks disagree a little
        ({"published_at": "yesterday"}, None),
        ({"eta": None, "expires": None}, None),  # sent before the header existed
    ],
)
def test_the_age_of_a_message_comes_from_its_published_at_header(
    default, monkeypatch, headers, age
):
    load_queue_metrics(default, monkeypatch)  # it reads the queue through the render's core.queues
    queues = sys.modules["core.queues"]
    now = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)
    message = json.dumps({"body": "W10=", "headers": headers, "properties": {}})
    assert queues.message_age(message.encode(), now=now) == age
    assert queues.message_age(b"not json", now=now) is None


# --- the failed-tasks metric filter ---------------------------------------------------------------
def failed_tasks_pattern(project: Path) -> str:
    filters = checks.resources_of(stack(project), "AWS::Logs::MetricFilter")
    assert filters["FailedTasksMetricFilter"]["Properties"]["LogGroupName"] == {
        "Ref": "WorkerLogGroup"
    }
    return filters["FailedTasksMetricFilter"]["Properties"]["FilterPattern"]


@pytest.mark.parametrize(
    ("record", "counted"),
    [
        ({"level": "INFO", "logger": "scheduler.tasks", "message": "generation run 7: failed"},
         True),
        ({"level": "INFO", "logger": "notes.tasks", "message": "import 12: failed"}, True),
        ({"level": "ERROR", "logger": "celery.app.trace",
          "message": "Task notes.note_index[0f1e] raised unexpected: KeyError('x')"}, True),
        ({"level": "INFO", "logger": "scheduler.tasks", "message": "generation run 7: succeeded"},
         False),
        ({"level": "WARNING", "logger": "scheduler.services.run_execution",
          "message": "generation run 7: monitor failed"}, False),
        ({"level": "ERROR", "logger": "scheduler.services.run_execution",
          "message": "generation run 7: failed"}, False),  # counted once, from the task's line
        ({"level": "INFO", "logger": "celery.app.trace",
          "message": "Task notes.note_index[0f1e] succeeded in 0.01s: None"}, False),
    ],
)  # fmt: skip
def test_the_failed_tasks_filter_counts_failures_only(default: Path, record, counted):
    assert checks.json_filter_matches(failed_tasks_pattern(default), record) is counted


def test_the_filter_reader_refuses_a_wildcard_inside_a_string():
    with pytest.raises(AssertionError, match="a wildcard inside"):
        checks.json_filter_matches('{ $.message = "generation run *: failed" }', {})


# --- with the default render's own virtualenv -----------------------------------------------------
def run_python(project: Path, code: str, env: dict[str, str] | None = None, **kwargs):
    python = project_python(project)
    base = {"PATH": f"{python.parent}{os.pathsep}/usr/bin:/bin", "HOME": str(project)}
    return subprocess.run(
        [str(python), "-c", code], cwd=project, env={**base, **(env or {})},
        capture_output=True, text=True, timeout=300, **kwargs,
    )  # fmt: skip


@pytest.mark.slow
def test_the_filter_pattern_matches_the_json_the_worker_logs(default: Path):
    """The project's own JSON logging, with the app's own status value for a failed run."""
    code = """
import logging, django
django.setup()
from scheduler.models import GenerationRun
task = logging.getLogger("scheduler.tasks")
task.info("generation run %s: %s", 7, GenerationRun.Status.FAILED)
task.info("generation run %s: %s", 8, GenerationRun.Status.SUCCEEDED)
logging.getLogger("celery.app.trace").error("Task x[1] raised unexpected: %r", KeyError("x"))
logging.getLogger("celery.app.trace").info("Task x[2] succeeded in 0.1s: None")
"""
    settings = {"DJANGO_SETTINGS_MODULE": f"{default.name}.environments.test", "LOG_FORMAT": "json"}
    result = run_python(default, code, env=settings)
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    assert len(records) == 4, result.stderr
    pattern = failed_tasks_pattern(default)
    assert [checks.json_filter_matches(pattern, r) for r in records] == [True, False, True, False]


@pytest.mark.slow
def test_the_publisher_measures_a_real_celery_queue(default: Path, services):
    """Celery's messages in Redis: the oldest is the list's last element, the header is there."""
    queue = f"queue_metrics_{os.getpid()}"
    url = f"{REDIS_URL}/13"
    code = f"""
import sys
from datetime import UTC, datetime, timedelta
import redis
from celery import Celery
sys.path.insert(0, "deploy")
import queue_metrics
client = redis.Redis.from_url({url!r})
client.delete({queue!r})
print(*queue_metrics.read_queue_state(client, {queue!r}))
app = Celery("probe", broker={url!r})
sent = datetime.now(UTC) - timedelta(minutes=5)
app.send_task("probe.first", queue={queue!r}, headers={{"published_at": sent.isoformat()}})
app.send_task("probe.second", queue={queue!r},
              headers={{"published_at": datetime.now(UTC).isoformat()}})
app.send_task("probe.third", queue={queue!r})
print(*queue_metrics.read_queue_state(client, {queue!r}))
client.delete({queue!r})
"""
    result = run_python(default, code)
    assert result.returncode == 0, result.stderr
    empty, filled = result.stdout.split("\n")[:2]
    assert empty.split() == ["0", "0.0"]
    depth, age = filled.split()
    assert depth == "3" and 300 <= float(age) < 360, filled


@pytest.mark.slow
def test_a_read_only_container_loads_the_build_time_cache_through_the_entrypoint(
    default: Path, tmp_path: Path
):
    """As on ECS: code and XDG_CACHE_HOME read-only, /tmp writable. The build fills the cache
    (`manage.py warm_up`, as the Dockerfile runs it); a container then starts through
    docker-entrypoint.sh, which gives it a writable copy, and loads the compiled annealer from it
    without compiling (a compiler cache in a read-only folder is refused)."""
    build_env = re.search(r'ARG BUILD_ENV="([^"]*)"', dockerfile(default), re.S).group(1)
    values = dict(pair.split("=", 1) for pair in build_env.replace("\\\n", " ").split())
    cache, scratch = tmp_path / "cache", tmp_path / "tmp"
    cache.mkdir()
    scratch.mkdir()
    python = project_python(default)
    env = {
        "PATH": f"{python.parent}{os.pathsep}/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": f"{default.name}.environments.production",
        "XDG_CACHE_HOME": str(cache),
        "TMPDIR": str(scratch),
        **values,
    }

    def read_only(*args: str, also: Path | None = None) -> subprocess.CompletedProcess:
        folders = [default, *([also] if also else [])]
        mounts = " && ".join(
            f'mount --bind "{f}" "{f}" && mount -o remount,bind,ro "{f}"' for f in folders
        )
        namespace = ["unshare", "--mount"] if os.geteuid() == 0 else ["unshare", "-rm"]
        return subprocess.run(
            [*namespace, "sh", "-c", f'{mounts} && exec "$@"', "sh", *args],
            cwd=default, env=env, capture_output=True, text=True, timeout=300,
        )  # fmt: skip

    built = read_only(str(python), "manage.py", "warm_up")
    assert built.returncode == 0, built.stdout + built.stderr
    probe = (
        "import os; from scheduler.timetabling.generator import annealing_kernel as k; "
        "k.warm_up(); print(os.environ['XDG_CACHE_HOME'], "
        "sum(k._kernel.stats.cache_hits.values()), sum(k._kernel.stats.cache_misses.values()))"
    )
    loaded = read_only("./docker-entrypoint.sh", "python", "-c", probe, also=cache)
    assert loaded.returncode == 0, loaded.stderr
    used, hits, misses = loaded.stdout.split()
    assert Path(used).parent == scratch, "the container's copy is in its scratch space"
    assert int(hits) >= 1 and int(misses) == 0, loaded.stdout
