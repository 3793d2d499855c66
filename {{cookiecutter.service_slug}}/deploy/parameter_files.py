"""The parameter files kept in the repository (deploy/environments/<name>.json for each
environment, deploy/pipeline.json for the pipeline), in CodePipeline's template configuration
format: {"Parameters": {...}, "Tags": {...}}. No secret may be in them: secrets live in Secrets
Manager and reach the tasks from there."""

from __future__ import annotations

import json
import re

from stacks import ROOT, DeployError

PLACEHOLDER = "CHANGE-ME"
# Names that say "secret", and values shaped like credentials (AWS keys, private keys, URLs with
# a password, GitHub, Slack, Docker Hub and Stripe tokens). An ARN names a secret: it is fine.
SECRET_NAME = re.compile(r"secret|passw|token|api_?key|private_?key|credential|auth", re.I)
SECRET_VALUE = re.compile(
    r"\b(AKIA|ASIA)[0-9A-Z]{16}\b|-----BEGIN|://[^/\s:@]+:[^/\s@]+@"
    r"|\bgh[pousr]_\w{20,}|\bxox[abposr]-|\bdckr_pat_|\bsk_live_"
)


def template_parameters(template: str) -> dict[str, bool]:
    """The template's parameters, each with whether it has a Default (read from the top-level
    Parameters section as these templates write it: two spaces per level)."""
    parameters: dict[str, bool] = {}
    inside, current = False, ""
    for line in (ROOT / template).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line.startswith(" "):
            inside = line.rstrip() == "Parameters:"
        elif inside and (name := re.fullmatch(r"  (\w+):\s*", line)):
            current = name.group(1)
            parameters[current] = False
        elif inside and current and line.startswith("    Default:"):
            parameters[current] = True
    return parameters


def read_parameter_file(path: str) -> tuple[dict[str, str], dict[str, str]]:
    """(Parameters, Tags) of a parameter file: CodePipeline's template configuration format."""
    try:
        data = json.loads((ROOT / path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DeployError(f"there is no {path} (docs/deploy.md, A new environment)") from None
    except json.JSONDecodeError as error:
        raise DeployError(f"{path} is not JSON: {error}") from None
    sections = [data.get("Parameters"), data.get("Tags", {})] if isinstance(data, dict) else []
    if len(sections) != 2 or not all(
        isinstance(s, dict) and all(isinstance(v, str) for v in s.values()) for s in sections
    ):
        raise DeployError(f"{path}: expected Parameters and Tags, each names with string values")
    return sections[0], sections[1]


def parameter_problems(
    path: str, template: str, *, environment: str | None, filled: bool
) -> list[str]:
    """What is wrong with a parameter file: secrets, parameters the template lacks or needs,
    another environment's name and (when `filled`) values still to fill in."""
    parameters, tags = read_parameter_file(path)
    known = template_parameters(template)
    problems = [
        f"{key} looks like a secret; keep secrets in Secrets Manager, never in a parameter file"
        for key, value in {**parameters, **tags}.items()
        if SECRET_VALUE.search(value) or (SECRET_NAME.search(key) and value[:4] not in {"", "arn:"})
    ]
    problems += [f"{key} is no parameter of {template}" for key in parameters if key not in known]
    needed = {name for name, has_default in known.items() if not has_default} - {"ImageUri"}
    problems += [
        f"{name} is missing ({template} needs it)" for name in sorted(needed - parameters.keys())
    ]
    if environment is not None and parameters.get("EnvironmentName") != environment:
        problems.append(f"EnvironmentName must be {environment!r}, the file's name")
    if filled:
        problems += [
            f"{key} is still {PLACEHOLDER}: fill it in (docs/deploy.md, A new environment)"
            for key, value in parameters.items()
            if PLACEHOLDER in value
        ]
    return [f"{path}: {problem}" for problem in problems]


def parameters_for(
    path: str, template: str, *, environment: str | None = None
) -> tuple[dict[str, str], dict[str, str]]:
    problems = parameter_problems(path, template, environment=environment, filled=True)
    if problems:
        more = f" (and {len(problems) - 1} more: deploy/deploy.py check)" if problems[1:] else ""
        raise DeployError(problems[0] + more)
    return read_parameter_file(path)
