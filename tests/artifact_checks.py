"""Checks of the generated build, ship and run artifacts that their own validators miss.

Each function returns a list of problems (empty when the artifact is fine) or the finished
process of a validator, so the tests can show both a clean bake and a deliberately broken copy.
"""

from __future__ import annotations

import ast
import json
import os
import posixpath
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

TESTS = Path(__file__).resolve().parent
BUILDSPEC_SCHEMA = TESTS / "schemas" / "buildspec.schema.json"
BIN = Path(sys.executable).parent

# Names that say "this value is a secret": never in plain buildspec variables or container
# Environment (Secrets Manager / Parameter Store references only).
SECRET_NAME = re.compile(r"secret|passw|token|api_?key|private_?key|credential|auth", re.I)

# Dummy values for the variables docker-compose.yml requires (`${VAR:?message}`).
COMPOSE_ENV = {
    "DJANGO_SECRET_KEY": "compose-config-check-only-" + "x" * 40,
    "MYSQL_PASSWORD": "compose-config-check-only",
    "MYSQL_ROOT_PASSWORD": "compose-config-check-only-root",
}

CIRCLECI_BUILTIN_STEPS = {
    "run", "checkout", "setup_remote_docker", "save_cache", "restore_cache", "store_artifacts",
    "store_test_results", "persist_to_workspace", "attach_workspace", "add_ssh_keys", "when",
    "unless", "deploy",
}  # fmt: skip


# --- running the validators ------------------------------------------------------------------
def tool(name: str) -> str:
    """A validator from the test environment (next to this Python), else from PATH."""
    candidate = BIN / name
    if candidate.exists():
        return str(candidate)
    found = shutil.which(name)
    if found is None:
        raise FileNotFoundError(f"{name} is not installed (see requirements-dev.txt)")
    return found


def run_tool(
    args: list[str | Path], *, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(a) for a in args], cwd=cwd, env={**os.environ, **(env or {})},
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip


def hadolint(dockerfile: Path, config: Path) -> subprocess.CompletedProcess:
    """hadolint with the render's own settings (its .hadolint.yaml)."""
    return run_tool([tool("hadolint"), "--no-color", "--config", config, dockerfile])


def shellcheck(script: Path, *, shell: str | None = None) -> subprocess.CompletedProcess:
    args: list[str | Path] = [tool("shellcheck"), "--format=gcc"]
    if shell:
        args.append(f"--shell={shell}")
    return run_tool([*args, script])


def compose_config(
    *compose_files: Path, env: dict[str, str] | None = None, quiet: bool = True
) -> subprocess.CompletedProcess:
    """`docker-compose config`: merges the files in order, interpolates and validates, with no
    Docker engine; unless `quiet`, the merged configuration is on stdout."""
    values = COMPOSE_ENV if env is None else env
    # Only the given values count: nothing from the caller's environment or a .env file.
    clean = {k: v for k, v in os.environ.items() if k not in COMPOSE_ENV}
    directory = compose_files[0].parent
    files = [arg for path in compose_files for arg in ("-f", str(path))]
    return subprocess.run(
        [tool("docker-compose"), "--project-directory", str(directory), "--env-file", os.devnull,
         *files, "config", *(["-q"] if quiet else [])],
        cwd=directory, env={**clean, **values}, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def check_jsonschema_circleci(config: Path) -> subprocess.CompletedProcess:
    return run_tool([tool("check-jsonschema"), "--builtin-schema", "vendor.circle-ci", config])


def cfn_lint(*templates: Path) -> subprocess.CompletedProcess:
    # Informational rules too (explicit deletion policies on stateful resources, ...).
    return run_tool(
        [tool("cfn-lint"), "--format", "parseable", "--include-checks", "I", "--", *templates]
    )


# --- CircleCI: cross-references the JSON schema cannot see -----------------------------------
def _step_name(step: Any) -> str:
    if isinstance(step, str):
        return step
    if isinstance(step, dict) and len(step) == 1:
        return next(iter(step))
    raise ValueError(f"a step must be a name or a one-key mapping: {step!r}")


def _steps(steps: list[Any]) -> Iterator[str]:
    """Names of the steps, descending into when/unless blocks."""
    for step in steps or []:
        name = _step_name(step)
        if name in {"when", "unless"} and isinstance(step, dict):
            yield from _steps(step[name].get("steps", []))
        yield name


def _orb_reference(name: str, orbs: set[str]) -> bool:
    return "/" in name and name.split("/", 1)[0] in orbs


def _executor_name(job: dict) -> str | None:
    executor = job.get("executor")
    return executor.get("name") if isinstance(executor, dict) else executor


def circleci_cross_reference_errors(config: dict) -> list[str]:
    """Jobs, executors, commands and workflows that name something undefined (or nothing)."""
    errors: list[str] = []
    orbs = set(config.get("orbs") or {})
    executors = set(config.get("executors") or {})
    commands = config.get("commands") or {}
    jobs = config.get("jobs") or {}
    workflows = {k: v for k, v in (config.get("workflows") or {}).items() if k != "version"}

    def check_steps(owner: str, steps: list[Any]) -> None:
        for name in _steps(steps):
            if name in CIRCLECI_BUILTIN_STEPS or name in commands or _orb_reference(name, orbs):
                continue
            errors.append(f"{owner}: step {name!r} is neither a built-in step nor a command")

    for name, command in commands.items():
        check_steps(f"command {name}", command.get("steps", []))
    for name, job in jobs.items():
        executor = _executor_name(job)
        if executor is not None:
            if executor not in executors and not _orb_reference(executor, orbs):
                errors.append(f"job {name}: executor {executor!r} is not defined")
        elif not any(key in job for key in ("docker", "machine", "macos")):
            errors.append(f"job {name}: no executor, docker, machine or macos")
        check_steps(f"job {name}", job.get("steps", []))

    used_jobs: set[str] = set()
    for wf_name, workflow in workflows.items():
        entries = (workflow or {}).get("jobs") or []
        if not entries:
            errors.append(f"workflow {wf_name}: runs no job")
        aliases: dict[str, str] = {}
        requires: list[tuple[str, str]] = []
        for entry in entries:
            job_name = _step_name(entry)
            options = entry[job_name] if isinstance(entry, dict) else {}
            options = options or {}
            if job_name not in jobs and not _orb_reference(job_name, orbs):
                errors.append(f"workflow {wf_name}: job {job_name!r} is not defined")
            used_jobs.add(job_name)
            alias = options.get("name", job_name)
            if alias in aliases:
                errors.append(f"workflow {wf_name}: job name {alias!r} appears twice")
            aliases[alias] = job_name
            requires += [(alias, r) for r in options.get("requires", [])]
        for alias, required in requires:
            required_name = required if isinstance(required, str) else next(iter(required))
            if required_name not in aliases:
                errors.append(
                    f"workflow {wf_name}: {alias!r} requires {required_name!r}, not in the workflow"
                )
    for name in jobs:
        if name not in used_jobs:
            errors.append(f"job {name}: defined but run by no workflow")
    used_executors = {_executor_name(job) for job in jobs.values()}
    for name in executors:
        if name not in used_executors:
            errors.append(f"executor {name}: defined but used by no job")
    return errors


# --- buildspec ----------------------------------------------------------------------------------
def buildspec_errors(buildspec: dict) -> list[str]:
    """Schema errors (tests/schemas/buildspec.schema.json) and secrets in plain variables."""
    import jsonschema

    schema = json.loads(BUILDSPEC_SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    errors = [
        f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}"
        for e in validator.iter_errors(buildspec)
    ]
    env = buildspec.get("env") or {}
    for name, value in (env.get("variables") or {}).items():
        if SECRET_NAME.search(name):
            errors.append(
                f"env/variables/{name}: looks like a secret; use env: secrets-manager or "
                "parameter-store instead of a plain variable"
            )
        if isinstance(value, str) and re.search(r"AKIA[0-9A-Z]{16}|-----BEGIN", value):
            errors.append(f"env/variables/{name}: the value looks like a credential")
    return errors


PHASE_ORDER = ("install", "pre_build", "build", "post_build")


def buildspec_script(buildspec: dict) -> str:
    """Every command of the phases, in the order CodeBuild runs them, as one bash script."""
    lines = ["#!/usr/bin/env bash", "# commands of a buildspec, for shellcheck", ""]
    for phase in PHASE_ORDER:
        spec = (buildspec.get("phases") or {}).get(phase) or {}
        for key in ("commands", "finally"):
            for command in spec.get(key) or []:
                lines.append(f"# {phase}.{key}")
                lines.append(command.rstrip("\n"))
    return "\n".join(lines) + "\n"


# --- CloudFormation -----------------------------------------------------------------------------
class CfnLoader(yaml.SafeLoader):
    """YAML loader that keeps CloudFormation's short-form functions (!Ref, !Sub, ...)."""


def _cfn_tag(loader: yaml.SafeLoader, tag_suffix: str, node: yaml.Node) -> dict:
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    name = "Ref" if tag_suffix == "Ref" else f"Fn::{tag_suffix}"
    return {name: value}


CfnLoader.add_multi_constructor("!", _cfn_tag)


def load_cfn(path: Path) -> dict:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=CfnLoader)


def resources_of(template: dict, kind: str) -> dict[str, dict]:
    return {
        name: r for name, r in (template.get("Resources") or {}).items() if r.get("Type") == kind
    }


def container_definitions(template: dict) -> Iterator[tuple[str, dict]]:
    for name, resource in resources_of(template, "AWS::ECS::TaskDefinition").items():
        for container in resource.get("Properties", {}).get("ContainerDefinitions", []):
            yield f"{name}/{container.get('Name')}", container


def secret_environment_errors(template: dict) -> list[str]:
    """Secret-looking names in a container's plain Environment (they belong under Secrets)."""
    errors = []
    for where, container in container_definitions(template):
        for variable in container.get("Environment") or []:
            if SECRET_NAME.search(str(variable.get("Name", ""))):
                errors.append(f"{where}: {variable['Name']} is in Environment; use Secrets")
        for secret in container.get("Secrets") or []:
            if "ValueFrom" not in secret:
                errors.append(f"{where}: secret {secret.get('Name')} has no ValueFrom")
    return errors


def secret_parameter_errors(template: dict) -> list[str]:
    """Secret-looking template parameters: a secret passed as a parameter ends up in plain text."""
    return [
        f"parameter {name}: looks like a secret; keep it in Secrets Manager"
        for name, spec in (template.get("Parameters") or {}).items()
        if SECRET_NAME.search(name) and not spec.get("NoEcho")
    ]


def _service_command(template: dict, service: dict) -> list[str]:
    ref = service.get("Properties", {}).get("TaskDefinition", {})
    task_name = ref.get("Ref") if isinstance(ref, dict) else None
    task = (template.get("Resources") or {}).get(task_name, {})
    containers = task.get("Properties", {}).get("ContainerDefinitions", [])
    return [str(c) for container in containers for c in container.get("Command", [])]


def beat_errors(template: dict) -> list[str]:
    """Exactly one beat: one service runs it, DesiredCount 1, MaximumPercent 100."""
    beats = {
        name: service
        for name, service in resources_of(template, "AWS::ECS::Service").items()
        if "beat" in _service_command(template, service)
    }
    if len(beats) != 1:
        return [f"expected exactly one service running beat, found {sorted(beats)}"]
    ((name, service),) = beats.items()
    props = service.get("Properties", {})
    deployment = props.get("DeploymentConfiguration", {})
    errors = []
    if props.get("DesiredCount") != 1:
        errors.append(f"{name}: DesiredCount is {props.get('DesiredCount')!r}, not 1")
    if deployment.get("MaximumPercent") != 100:
        errors.append(f"{name}: MaximumPercent is {deployment.get('MaximumPercent')!r}, not 100")
    if deployment.get("MinimumHealthyPercent") != 0:
        errors.append(f"{name}: MinimumHealthyPercent is not 0 (a deploy could never start)")
    return errors


def readiness_route(health_py: Path) -> str:
    """The path that core/health.py answers with readiness() (the load balancer must probe it)."""
    tree = ast.parse(health_py.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if not (isinstance(node, ast.If) and isinstance(node.test, ast.Compare)):
            continue
        left, comparators = node.test.left, node.test.comparators
        if not (isinstance(left, ast.Attribute) and left.attr == "path"):
            continue
        if not (len(comparators) == 1 and isinstance(comparators[0], ast.Constant)):
            continue
        calls = {
            n.func.id
            for n in ast.walk(ast.Module(body=node.body, type_ignores=[]))
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
        }
        if "readiness" in calls:
            return comparators[0].value
    raise AssertionError(f"no readiness route found in {health_py}")


def health_check_paths(template: dict) -> dict[str, Any]:
    return {
        name: group.get("Properties", {}).get("HealthCheckPath")
        for name, group in resources_of(
            template, "AWS::ElasticLoadBalancingV2::TargetGroup"
        ).items()
    }


# --- images: no `latest`, always a tag -----------------------------------------------------------
def image_reference_errors(reference: str, *, stages: set[str] = frozenset()) -> list[str]:
    ref = reference.strip().strip("\"'")
    if ref in stages or "${" in ref or ref.startswith(("{", "!")):
        return []
    name = ref.split("@", 1)[0]
    last = name.rsplit("/", 1)[-1]
    if ":" not in last and "@" not in ref:
        return [f"image {ref!r} has no tag (that means latest)"]
    if last.endswith(":latest"):
        return [f"image {ref!r} uses the latest tag"]
    return []


def dockerfile_images(dockerfile: Path) -> tuple[list[str], set[str]]:
    images, stages = [], set()
    for line in dockerfile.read_text(encoding="utf-8").splitlines():
        match = re.match(r"\s*FROM\s+(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?", line, re.I)
        if match:
            images.append(match.group(1))
            if match.group(2):
                stages.add(match.group(2))
    return images, stages


def latest_tag_errors(project: Path) -> list[str]:
    """Every image named in Dockerfile, compose, CircleCI and CloudFormation has a real tag."""
    errors = []
    images, stages = dockerfile_images(project / "Dockerfile")
    for image in images:
        errors += [f"Dockerfile: {e}" for e in image_reference_errors(image, stages=stages)]
    compose = yaml.safe_load((project / "docker-compose.yml").read_text(encoding="utf-8"))
    for name, service in (compose.get("services") or {}).items():
        if "image" in service:
            errors += [f"compose {name}: {e}" for e in image_reference_errors(service["image"])]
    circleci = yaml.safe_load((project / ".circleci/config.yml").read_text(encoding="utf-8"))
    for owner in [
        *(circleci.get("executors") or {}).values(),
        *(circleci.get("jobs") or {}).values(),
    ]:
        for container in owner.get("docker") or []:
            errors += [f"CircleCI: {e}" for e in image_reference_errors(container["image"])]
    for template in sorted((project / "deploy").glob("*.yml")):
        parsed = load_cfn(template)
        for where, container in container_definitions(parsed):
            image = container.get("Image")
            if isinstance(image, str):
                errors += [f"{template.name} {where}: {e}" for e in image_reference_errors(image)]
        for name, resource in (parsed.get("Resources") or {}).items():
            image = resource.get("Properties", {}).get("Environment", {})
            if isinstance(image, dict) and isinstance(image.get("Image"), str):
                errors += [
                    f"{template.name} {name}: {e}" for e in image_reference_errors(image["Image"])
                ]
    named = ["Dockerfile", "docker-compose.yml", ".circleci/config.yml"]
    for path in [*(project / n for n in named), *sorted((project / "deploy").glob("*.yml"))]:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r":latest\b", line) and not line.lstrip().startswith("#"):
                errors.append(f"{path.name}:{number}: mentions the latest tag: {line.strip()}")
    return errors


def pip_commands(dockerfile_text: str) -> list[str]:
    """Each pip command of the Dockerfile's RUN instructions, continuation lines joined."""
    joined = re.sub(r"\\\n\s*", " ", dockerfile_text)
    commands = []
    for line in joined.splitlines():
        if re.match(r"\s*RUN\b", line):
            commands += [c.strip() for c in re.split(r"&&|;", line) if re.search(r"\bpip\b", c)]
    return commands


def pip_hash_problems(dockerfile_text: str) -> list[str]:
    """The image's rule for hashed locks: whatever pip fetches from the index is checked against
    the locks' hashes; whatever it installs without the index is the builder's own wheels."""
    problems = []
    for command in pip_commands(dockerfile_text):
        if "--no-index" in command:
            if " -r " in command or "--no-deps" not in command or ".whl" not in command:
                problems.append(f"not the builder's wheels alone: {command}")
        elif "--require-hashes" not in command:
            problems.append(f"an index download without --require-hashes: {command}")
    return problems


def unhashed_requirements(lock: Path) -> list[str]:
    """Pinned requirements of a lock that carry no --hash (a hashed lock has none)."""
    text = re.sub(r"\\\n\s*", " ", lock.read_text(encoding="utf-8"))
    return [
        line.split()[0]
        for line in text.splitlines()
        if line.strip() and not line.startswith(("#", "-")) and "--hash=sha256:" not in line
    ]


# --- the image and the stack agree on what may be written ----------------------------------------
# A task definition mounts an empty volume on each writable path of a read-only container. Docker
# discards what a build step writes under a VOLUME declared before it; ECS gives a mount the owner
# of the image's VOLUME (root otherwise); and a mount hides whatever the image put below it.
PATH_TOKEN = re.compile(r"""(?<![^\s="':,])(/[^\s"';&|,)]*)""")
VARIABLE = re.compile(r"\$\{(\w+)(?::[-+][^}]*)?\}|\$(\w+)")


@dataclass
class Step:
    """One instruction of the Dockerfile's last stage, its variables substituted."""

    line: int
    keyword: str
    text: str
    env: dict[str, str]  # ARG and ENV values in force at this step


def _clean(path: str) -> str:
    return posixpath.normpath(re.sub("/+", "/", path))


def _substitute(text: str, values: dict[str, str]) -> str:
    return VARIABLE.sub(lambda m: values.get(m.group(1) or m.group(2), m.group(0)), text)


def _assignments(text: str) -> dict[str, str]:
    """`ARG`/`ENV` arguments: `A=1 B="2 3"`, or the old `ENV A 1` form."""
    words = shlex.split(text)
    if words and "=" not in words[0]:
        return {words[0]: " ".join(words[1:])}
    return dict(word.split("=", 1) if "=" in word else (word, "") for word in words)


def dockerfile_steps(text: str) -> list[Step]:
    """The last stage's instructions, with the ENV they inherit from the stages they build on."""
    logical: list[tuple[int, str]] = []
    pending: list[str] = []
    start = 0
    for number, line in enumerate(text.splitlines(), 1):
        if not pending and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if pending and line.lstrip().startswith("#"):
            continue  # a comment inside a continued instruction is dropped
        start = start if pending else number
        if line.rstrip().endswith("\\"):
            pending.append(line.rstrip()[:-1])
            continue
        logical.append((start, " ".join([*pending, line]).strip()))
        pending = []
    stages: dict[str, dict[str, str]] = {}
    steps: list[Step] = []
    env: dict[str, str] = {}
    for number, instruction in logical:
        keyword, _, rest = instruction.partition(" ")
        keyword = keyword.upper()
        if keyword == "FROM":
            words = rest.split()
            env = dict(stages.get(words[0], {}))
            if len(words) >= 3 and words[-2].upper() == "AS":
                stages[words[-1]] = env
            steps = []
            continue
        rest = rest.strip()
        if keyword in {"ARG", "ENV"}:
            env.update({k: _substitute(v, env) for k, v in _assignments(rest).items()})
        steps.append(Step(number, keyword, _substitute(rest, env), dict(env)))
    return steps


def _paths_named(text: str) -> set[str]:
    """Absolute paths in a command; URLs (`redis://host:6379/0`) and `:memory:` are none."""
    tokens = (m.group(1) for m in PATH_TOKEN.finditer(text))
    return {_clean(token) for token in tokens if len(token) > 1 and ":" not in token}


def _path_values(env: dict[str, str]) -> dict[str, str]:
    """Variables naming one absolute path (XDG_CACHE_HOME, ...): where programs write."""
    return {
        k: _clean(v) for k, v in env.items() if v.startswith("/") and not re.search(r"[\s:]", v)
    }


def _destination(step: Step, workdir: str) -> str:
    words = [w for w in shlex.split(step.text) if not w.startswith("--")]
    target = words[-1].strip("[]\"',")
    return _clean(posixpath.join(workdir, target))


def _under(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def step_writes(steps: list[Step]) -> list[tuple[Step, set[str]]]:
    """Where each step may write: a RUN anywhere it names, where its environment points, and
    /tmp (every program's temporary files); COPY and ADD their destination; WORKDIR itself."""
    workdir = "/"
    writes = []
    for step in steps:
        if step.keyword == "WORKDIR":
            workdir = _clean(posixpath.join(workdir, step.text))
            writes.append((step, {workdir}))
        elif step.keyword in {"COPY", "ADD"}:
            writes.append((step, {_destination(step, workdir)}))
        elif step.keyword == "RUN":
            named = _paths_named(step.text) | set(_path_values(step.env).values())
            writes.append((step, named | {"/tmp"}))
    return writes


def _app_users(steps: list[Step]) -> set[str]:
    """The user the containers run as (last USER), by number and by name."""
    users = [s.text.split(":")[0] for s in steps if s.keyword == "USER"]
    if not users:
        return set()
    names = {users[-1]}
    for step in steps:
        for command in re.split(r"&&|;", step.text) if step.keyword == "RUN" else []:
            words = shlex.split(command)
            uid = words[words.index("--uid") + 1] if "--uid" in words else None
            if words[:1] == ["useradd"] and uid == users[-1]:
                names.add(words[-1])
    return names


def _given_to(step: Step, path: str) -> str | None:
    """The owner a step gives `path` to (chown, install -o, COPY --chown), if it does."""
    if step.keyword in {"COPY", "ADD"}:
        match = re.search(r"--chown=(\S+)", step.text)
        return match.group(1).split(":")[0] if match else None
    for command in re.split(r"&&|;", step.text) if step.keyword == "RUN" else []:
        words = shlex.split(command)
        if path not in {_clean(w) for w in words if w.startswith("/")}:
            continue
        if words[:1] == ["chown"]:
            owner = next(w for w in words[1:] if not w.startswith("-"))
            return owner.split(":")[0]
        if words[:1] == ["install"] and "-o" in words:
            return words[words.index("-o") + 1]
    return None


def _volumes(steps: list[Step]) -> dict[str, Step]:
    volumes = {}
    for step in steps:
        if step.keyword == "VOLUME":
            text = step.text.strip()
            paths = json.loads(text) if text.startswith("[") else text.split()
            volumes.update({_clean(p): step for p in paths})
    return volumes


def _mounts(template: dict) -> dict[str, set[str]]:
    """The paths each container of the image (the stack's ImageUri) mounts."""
    return {
        where: {_clean(m["ContainerPath"]) for m in container.get("MountPoints") or []}
        for where, container in container_definitions(template)
        if container.get("Image") == {"Ref": "ImageUri"}
    }


def _volume_problems(steps: list[Step], path: str, volume: Step, *, root_owned: bool) -> list[str]:
    """Writes under a VOLUME after its line, and its owner when the line comes."""
    problems = [
        f"line {step.line} ({step.keyword}) writes under {path} after its VOLUME "
        f"(line {volume.line}): Docker discards that"
        for step, written in step_writes(steps)
        if step.line > volume.line and any(_under(w, path) for w in written)
    ]
    users = _app_users(steps)
    owners = [
        (step.line, owner)
        for step in steps
        if step.line < volume.line and (owner := _given_to(step, path)) is not None
    ]
    if root_owned:
        problems += [
            f"line {line} gives {path} to the app user; it is root's"
            for line, owner in owners
            if owner in users
        ]
    elif not owners or owners[-1][1] not in users:
        problems.append(f"{path} is not given to the app user ({'/'.join(sorted(users))}) "
                        f"before its VOLUME (line {volume.line})")  # fmt: skip
    return problems


def _prepared(steps: list[Step], volumes: dict[str, Step]) -> list[tuple[str, str]]:
    """(which step, path) of what the image puts in place for its containers: what COPY, ADD and
    WORKDIR make, the paths a RUN names (a VOLUME itself aside: chown /tmp prepares nothing
    under it), and where the final environment points programs (XDG_CACHE_HOME, ...)."""
    prepared = []
    for step, written in step_writes(steps):
        if step.keyword == "RUN":
            named = _paths_named(step.text) - set(volumes)
            prepared += [(f"line {step.line} (RUN)", p) for p in named]
        else:
            prepared += [(f"line {step.line} ({step.keyword})", p) for p in written]
    final_env = steps[-1].env if steps else {}
    return prepared + [(f"ENV {name}", p) for name, p in _path_values(final_env).items()]


def image_mount_problems(
    dockerfile_text: str, template: dict, *, root_owned: frozenset[str] = frozenset()
) -> list[str]:
    """Problems between the Dockerfile's VOLUMEs and the paths the stack's containers of the image
    mount: a mount that is no VOLUME (or the reverse), a VOLUME written after its line or not
    owned as it must be (`root_owned` paths stay root's; the others are the app user's), and
    anything the image prepares under a mount."""
    steps = dockerfile_steps(dockerfile_text)
    volumes = _volumes(steps)
    problems = []
    for where, paths in _mounts(template).items():
        problems += [
            f"{where} mounts {p}, which is no VOLUME of the image"
            for p in sorted(paths - set(volumes))
        ]
        problems += [
            f"{where} does not mount the image's VOLUME {p}" for p in sorted(set(volumes) - paths)
        ]
    for path, volume in sorted(volumes.items()):
        problems += _volume_problems(steps, path, volume, root_owned=path in root_owned)
    mounted = set().union(*_mounts(template).values())
    for mount in sorted(mounted):
        problems += [
            f"{what} prepares {path}, hidden by the mount on {mount}"
            for what, path in _prepared(steps, volumes)
            if _under(path, mount)
        ]
    return problems


# --- alarms, their runbook and the metrics behind them --------------------------------------------
def _sub_text(value: Any) -> str:
    return value.get("Fn::Sub", "") if isinstance(value, dict) else str(value or "")


def alarm_name(alarm: dict) -> str | None:
    """The part of AlarmName after the stack's prefix: the title of its runbook section."""
    match = re.fullmatch(
        r"\$\{ServiceName\}-\$\{EnvironmentName\}-([a-z0-9-]+)",
        _sub_text(alarm.get("Properties", {}).get("AlarmName")),
    )
    return match.group(1) if match else None


def alarm_problems(template: dict, runbook: str) -> list[str]:
    """Every alarm acts, pages through the topic both ways if it pages at all, and has a
    `### <name>` section in the runbook that its description points to."""
    problems = []
    sections = set(re.findall(r"^### ([a-z0-9-]+)\s*$", runbook, re.M))
    for logical_id, alarm in resources_of(template, "AWS::CloudWatch::Alarm").items():
        props = alarm.get("Properties", {})
        actions = props.get("AlarmActions") or []
        if not actions:
            problems.append(f"{logical_id}: no AlarmActions")
        if {"Ref": "AlarmTopic"} in actions and {"Ref": "AlarmTopic"} not in (
            props.get("OKActions") or []
        ):
            problems.append(f"{logical_id}: pages, but not when it is OK again (OKActions)")
        name = alarm_name(alarm)
        if name is None:
            problems.append(
                f"{logical_id}: AlarmName is not ${{ServiceName}}-${{EnvironmentName}}-<name>"
            )
        elif name not in sections:
            problems.append(f"{logical_id}: no '### {name}' section in docs/operations.md")
        elif f"docs/operations.md#{name}" not in str(props.get("AlarmDescription", "")):
            problems.append(
                f"{logical_id}: its description does not link docs/operations.md#{name}"
            )
    return problems


def _key(value: Any) -> str:
    """A comparable form of a template value (a string, or a !Sub/!Ref)."""
    return json.dumps(value, sort_keys=True)


def alarm_custom_metrics(template: dict) -> dict[tuple[str, str], list[str]]:
    """(namespace, metric name) of every non-AWS metric an alarm reads, with the alarms."""
    used: dict[tuple[str, str], list[str]] = {}
    for logical_id, alarm in resources_of(template, "AWS::CloudWatch::Alarm").items():
        props = alarm.get("Properties", {})
        metrics = [props] + [
            q["MetricStat"]["Metric"] for q in props.get("Metrics") or [] if "MetricStat" in q
        ]
        for metric in metrics:
            namespace = metric.get("Namespace")
            if namespace is None or str(namespace).startswith("AWS/"):
                continue
            used.setdefault((_key(namespace), metric["MetricName"]), []).append(logical_id)
    return used


def published_metrics(template: dict, emf_line: str) -> set[tuple[str, str]]:
    """The custom metrics that reach CloudWatch: the metric filters' and those of the container
    running deploy/queue_metrics.py, whose line of embedded metric format is `emf_line` (made
    with the namespace the container is given)."""
    published = set()
    for mf in resources_of(template, "AWS::Logs::MetricFilter").values():
        for transformation in mf["Properties"]["MetricTransformations"]:
            published.add((_key(transformation["MetricNamespace"]), transformation["MetricName"]))
    directives = json.loads(emf_line)["_aws"]["CloudWatchMetrics"]
    for _where, container in container_definitions(template):
        if "deploy/queue_metrics.py" not in container.get("Command", []):
            continue
        env = {v["Name"]: v["Value"] for v in container.get("Environment") or []}
        for directive in directives:
            for metric in directive["Metrics"]:
                published.add((_key(env["QUEUE_METRICS_NAMESPACE"]), metric["Name"]))
    return published


# --- CloudWatch Logs filter patterns, the JSON form -----------------------------------------------
FILTER_TOKEN = re.compile(r'\s*(\(|\)|&&|\|\||!=|=|\$\.[\w.]+|"(?:[^"\\]|\\.)*")')


def json_filter_matches(pattern: str, record: dict) -> bool:
    """Whether a CloudWatch Logs JSON filter pattern (`{ ... }` of `$.field = "text"` terms,
    `&&`, `||`, parentheses) matches a log record. `*` may only open or close a string: the
    forms AWS documents."""
    body = pattern.strip()
    assert body.startswith("{") and body.endswith("}"), pattern
    body = body[1:-1]
    tokens, position = [], 0
    while body[position:].strip():
        match = FILTER_TOKEN.match(body, position)
        assert match, f"cannot read the filter pattern at {body[position:]!r}"
        tokens.append(match.group(1))
        position = match.end()

    def term(i: int) -> tuple[bool, int]:
        if tokens[i] == "(":
            value, i = either(i + 1)
            assert tokens[i] == ")", pattern
            return value, i + 1
        selector, operator, literal = tokens[i : i + 3]
        text = json.loads(literal)
        assert "*" not in text.strip("*"), f"a wildcard inside {literal}"
        value: Any = record
        for part in selector[2:].split("."):
            value = value.get(part) if isinstance(value, dict) else None
        glob = re.escape(text).replace(r"\*", ".*")
        found = isinstance(value, str) and re.fullmatch(glob, value) is not None
        return (found if operator == "=" else not found), i + 3

    def both(i: int) -> tuple[bool, int]:
        value, i = term(i)
        while i < len(tokens) and tokens[i] == "&&":
            right, i = term(i + 1)
            value = value and right
        return value, i

    def either(i: int) -> tuple[bool, int]:
        value, i = both(i)
        while i < len(tokens) and tokens[i] == "||":
            right, i = both(i + 1)
            value = value or right
        return value, i

    result, end = either(0)
    assert end == len(tokens), pattern
    return result


# --- the release pipeline: stages, artifacts, variables, the order of a release -------------------
# The two environments of a release, by the pipeline parameter that names each.
STAGING, PRODUCTION = "StagingEnvironment", "ProductionEnvironment"
VARIABLE_REFERENCE = re.compile(r"#\{([A-Za-z0-9_@-]+)\.([A-Za-z0-9_-]+)\}")


@dataclass
class Action:
    """One action of the pipeline, where it runs: (stage index, run order)."""

    stage: str
    name: str
    position: tuple[int, int]
    spec: dict

    @property
    def where(self) -> str:
        return f"{self.stage}/{self.name}"

    @property
    def provider(self) -> str:
        type_id = self.spec.get("ActionTypeId", {})
        return f"{type_id.get('Category')}/{type_id.get('Provider')}"

    def config(self, key: str) -> str:
        """A configuration value as text (a !Sub's string, a !Ref's name)."""
        value = self.spec.get("Configuration", {}).get(key, "")
        if isinstance(value, dict):
            return str(value.get("Fn::Sub", value.get("Ref", json.dumps(value))))
        return str(value)

    def environment_variables(self) -> dict[str, str]:
        text = self.config("EnvironmentVariables")
        return {v["name"]: v["value"] for v in json.loads(text)} if text else {}

    def names(self, key: str) -> list[str]:
        return [artifact["Name"] for artifact in self.spec.get(key) or []]


def pipeline_actions(pipeline_template: dict) -> list[Action]:
    (pipeline,) = resources_of(pipeline_template, "AWS::CodePipeline::Pipeline").values()
    return [
        Action(stage["Name"], action["Name"], (index, int(action.get("RunOrder", 1))), action)
        for index, stage in enumerate(pipeline["Properties"]["Stages"])
        for action in stage["Actions"]
    ]


def _defaults(template: dict) -> dict[str, str]:
    return {
        name: str(spec["Default"])
        for name, spec in (template.get("Parameters") or {}).items()
        if "Default" in spec
    }


def _resolved(text: str, template: dict) -> str:
    """A !Sub text with the template's parameter defaults put in."""
    defaults = _defaults(template)
    return re.sub(r"\$\{(\w+)\}", lambda m: defaults.get(m.group(1), m.group(0)), text)


def _environment_of(text: str) -> str | None:
    """Which environment a text (a stack name, an ENVIRONMENT_NAME value) names."""
    found = [name for name in (STAGING, PRODUCTION) if f"${{{name}}}" in text]
    return found[0] if len(found) == 1 else None


def _exported_variables(project: Path, template: dict, action: Action) -> set[str]:
    """What an action's namespace holds: a CodeBuild project's exported variables (its buildspec,
    inline or a file of the project), a CloudFormation action's stack outputs."""
    if action.provider.endswith("/CloudFormation"):
        path = action.config("TemplatePath").split("::", 1)[-1]
        return set((load_cfn(project / path).get("Outputs") or {}) if path else {})
    if action.provider.endswith("/CodeBuild"):
        resource = (template.get("Resources") or {}).get(action.config("ProjectName"), {})
        spec = resource.get("Properties", {}).get("Source", {}).get("BuildSpec", "buildspec.yml")
        text = spec if "\n" in spec else (project / spec).read_text(encoding="utf-8")
        buildspec = yaml.safe_load(text) or {}
        return set((buildspec.get("env") or {}).get("exported-variables") or [])
    return set()


def _artifact_problems(actions: list[Action], project: Path, template: dict) -> list[str]:
    problems: list[str] = []
    produced: dict[str, Action] = {}
    for action in actions:
        for name in action.names("InputArtifacts"):
            source = produced.get(name)
            if source is None or source.position >= action.position:
                problems.append(
                    f"{action.where}: input artifact {name} comes from no earlier action"
                )
        for name in action.names("OutputArtifacts"):
            if name in produced:
                problems.append(f"{action.where}: artifact {name} is produced twice")
            produced[name] = action
        for key in ("TemplatePath", "TemplateConfiguration"):
            value = _resolved(action.config(key), template)
            if not value:
                continue
            artifact, _, path = value.partition("::")
            if artifact not in action.names("InputArtifacts"):
                problems.append(f"{action.where}: {key} reads {artifact}, not an input of it")
            elif not (project / path).is_file():
                problems.append(f"{action.where}: {key} names {path}, which the repository lacks")
    used = {name for action in actions for name in action.names("InputArtifacts")}
    problems += [
        f"artifact {name} is produced but never used" for name in produced if name not in used
    ]
    return problems


def _variable_problems(actions: list[Action], project: Path, template: dict) -> list[str]:
    problems: list[str] = []
    namespaces: dict[str, Action] = {}
    for action in actions:
        for namespace, variable in VARIABLE_REFERENCE.findall(json.dumps(action.spec)):
            source = namespaces.get(namespace)
            if source is None or source.position >= action.position:
                problems.append(f"{action.where}: #{{{namespace}.{variable}}} comes from no "
                                f"earlier action (no namespace {namespace} before it)")  # fmt: skip
            elif variable not in _exported_variables(project, template, source):
                problems.append(f"{action.where}: {source.where} exports no {variable}")
        namespace = action.spec.get("Namespace")
        if namespace in namespaces:
            problems.append(f"{action.where}: namespace {namespace} is used twice")
        if namespace:
            namespaces[namespace] = action
    return problems


def _project_problems(actions: list[Action], template: dict) -> list[str]:
    """CodeBuild actions run projects of the template that the pipeline's role may start."""
    problems: list[str] = []
    role = json.dumps(template["Resources"]["PipelineRole"])
    for action in actions:
        if not action.provider.endswith("/CodeBuild"):
            continue
        project = action.config("ProjectName")
        resource = (template.get("Resources") or {}).get(project, {})
        if resource.get("Type") != "AWS::CodeBuild::Project":
            problems.append(f"{action.where}: project {project!r} is no CodeBuild project here")
        elif f'"{project}.Arn"' not in role and json.dumps([project, "Arn"]) not in role:
            problems.append(f"{action.where}: the pipeline's role may not start {project}")
    for action in actions:
        if action.provider.endswith("/CloudFormation") and not action.config("RoleArn"):
            problems.append(f"{action.where}: CloudFormation works without the deploy role")
    return problems


def _release_order_problems(actions: list[Action]) -> list[str]:
    """Migrate, then deploy staging; smoke-test staging; a person approves; migrate, then deploy
    production."""
    problems: list[str] = []
    deploys = {
        _environment_of(a.config("StackName")): a
        for a in actions
        if a.provider.endswith("/CloudFormation")
    }
    for environment in (STAGING, PRODUCTION):
        deploy = deploys.get(environment)
        if deploy is None:
            problems.append(f"no action deploys the {environment} stack")
            continue
        migrations = [
            a for a in actions
            if a.provider.endswith("/CodeBuild")
            and _environment_of(a.environment_variables().get("ENVIRONMENT_NAME", ""))
            == environment
        ]  # fmt: skip
        if not any(
            m.position[0] == deploy.position[0] and m.position < deploy.position for m in migrations
        ):
            problems.append(
                f"{deploy.where}: deploys {environment} without migrating it first, in its stage"
            )
    staging, production = deploys.get(STAGING), deploys.get(PRODUCTION)
    if not (staging and production):
        return problems
    if production.position[0] <= staging.position[0]:
        problems.append(f"{production.where}: production is deployed no later than staging")
    smoke = [a for a in actions if "BASE_URL" in a.environment_variables()]
    staging_url = f"#{{{staging.spec.get('Namespace')}.ServiceUrl}}"
    tests_staging = [
        a for a in smoke
        if a.environment_variables()["BASE_URL"] == staging_url
        and staging.position[0] < a.position[0] < production.position[0]
    ]  # fmt: skip
    if not tests_staging:
        problems.append("no smoke test of staging between its deployment and production's")
    last_smoke = max((a.position[0] for a in tests_staging), default=staging.position[0])
    approvals = [
        a for a in actions
        if a.provider == "Approval/Manual" and last_smoke < a.position[0] < production.position[0]
    ]  # fmt: skip
    if not approvals:
        problems.append(
            f"{production.where}: no manual approval between the smoke test and production"
        )
    return problems


def pipeline_problems(pipeline_template: dict, project: Path) -> list[str]:
    """What CodePipeline would refuse or do wrong: artifacts consumed before they exist (or
    never), variables of namespaces that come later or do not export them, files a
    CloudFormation action reads that the repository lacks, projects that are not there, and a
    release out of order (migrate before deploy, staging smoke-tested, approval before
    production)."""
    actions = sorted(pipeline_actions(pipeline_template), key=lambda a: a.position)
    return [
        *_artifact_problems(actions, project, pipeline_template),
        *_variable_problems(actions, project, pipeline_template),
        *_project_problems(actions, pipeline_template),
        *_release_order_problems(actions),
    ]


# --- per-environment parameter files and the service stack ----------------------------------------
def parameter_file_problems(
    parameter_file: dict, template: dict, *, environment: str | None
) -> list[str]:
    """A parameter file ({"Parameters": ..., "Tags": ...}) against the template it deploys:
    every name a parameter of it, every parameter without a default given (but the image, which
    the pipeline owns), string values only, the environment's own name, no secret."""
    problems: list[str] = []
    declared = template.get("Parameters") or {}
    given = parameter_file.get("Parameters") or {}
    problems += [
        f"{name} is no parameter of the template" for name in given if name not in declared
    ]
    problems += [
        f"{name} has no default and is missing"
        for name, spec in declared.items()
        if "Default" not in spec and name not in given and name != "ImageUri"
    ]
    problems += [
        f"{name}: not a string" for name, value in given.items() if not isinstance(value, str)
    ]
    if environment is not None and given.get("EnvironmentName") != environment:
        problems.append(f"EnvironmentName is {given.get('EnvironmentName')!r}, not {environment!r}")
    problems += [
        f"{name} looks like a secret"
        for name, value in {**given, **(parameter_file.get("Tags") or {})}.items()
        if SECRET_NAME.search(name) and not str(value).startswith("arn:") and value
    ]
    return problems


def redeploy_problems(template: dict) -> list[str]:
    """When a secret the services read changes, every service gets new tasks: the rule watches
    each such secret and starts the state machine, whose branches force a new deployment of each
    ECS service of the stack, as its role allows."""
    problems: list[str] = []
    services = {
        name: resource["Properties"]["ServiceName"]
        for name, resource in resources_of(template, "AWS::ECS::Service").items()
    }
    running = {
        resource["Properties"]["TaskDefinition"]["Ref"]
        for resource in resources_of(template, "AWS::ECS::Service").values()
    }
    read: set[str] = set()
    for name, task in resources_of(template, "AWS::ECS::TaskDefinition").items():
        for container in task["Properties"]["ContainerDefinitions"] if name in running else []:
            for secret in container.get("Secrets") or []:
                text = _sub_text(secret["ValueFrom"])
                read.add(re.match(r"\$\{([\w.]+?)(\.SecretArn)?\}", text).group(1))
    (rule,) = resources_of(template, "AWS::Events::Rule").values()
    pattern = rule["Properties"]["EventPattern"]
    watched = {
        (entry.get("Ref") or entry.get("Fn::GetAtt", "")).removesuffix(".SecretArn")
        if isinstance(entry, dict) else entry
        for entry in pattern.get("resources", [])
    }  # fmt: skip
    problems += [
        f"{secret}: when it changes, tasks keep the old value" for secret in sorted(read - watched)
    ]
    if pattern.get("detail", {}).get("labelUpdated") != ["AWSCURRENT"]:
        problems.append("the rule does not wait for AWSCURRENT to move to the new value")
    ((machine_name, machine),) = resources_of(template, "AWS::StepFunctions::StateMachine").items()
    if [t["Arn"] for t in rule["Properties"]["Targets"]] != [{"Ref": machine_name}]:
        problems.append("the rule does not start the redeploy state machine")
    definition = json.dumps(machine["Properties"]["Definition"])
    role_name = str(machine["Properties"]["RoleArn"]["Fn::GetAtt"]).split(".")[0]
    role = json.dumps(template["Resources"][role_name])
    for service in sorted(services.values()):
        if f'"Service": "{service}"' not in definition:
            problems.append(f"{service} is not redeployed when a secret changes")
        if f'/{service}"' not in role:
            problems.append(f"the redeploy role may not update {service}")
    return problems
