"""Deploy an environment, or the release pipeline, through CloudFormation change sets.

    python3 deploy/deploy.py deploy staging [--yes] [--image URI]
    python3 deploy/deploy.py rollback production [--yes] [--image URI]
    python3 deploy/deploy.py pipeline [--yes]
    python3 deploy/deploy.py check

(`make deploy ENV=staging`, `make rollback ENV=production`, `make deploy-pipeline`.) A deployment
checks the parameter file kept in this repository (deploy/environments/<name>.json for an
environment, deploy/pipeline.json for the pipeline: no secrets, nothing left to fill in), lints the
template with cfn-lint, creates a change set, prints what it would change and executes it only
once confirmed (or with --yes); then it waits for the stack and reports the outcome. Any failure
ends it with one line on stderr and exit status 1.

The image an environment runs belongs to the pipeline, which sets the service stack's ImageUri on
every release: a deployment keeps the stack's current image (a new environment starts with the
newest image in the repository), a rollback puts back the one the environment ran before.
`check` reads the parameter files only (no AWS): `make validate` runs it.

Only the standard library and the AWS CLI are needed; cfn-lint is found on PATH or next to this
Python (the project's virtualenv).
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
from pathlib import Path

from parameter_files import parameter_problems, parameters_for
from stacks import (
    ROOT,
    ChangeSet,
    DeployError,
    apply,
    aws,
    change_set_type,
    describe_stack,
    outputs,
    run,
    say,
    stack_parameter,
)

SERVICE = "{{ cookiecutter.service_slug }}".lower().replace("_", "-")  # stack and resource names
PIPELINE_STACK = f"{SERVICE}-pipeline"
SERVICE_TEMPLATE = "deploy/service.yml"
PIPELINE_TEMPLATE = "deploy/pipeline.yml"
PIPELINE_PARAMETERS = "deploy/pipeline.json"
ENVIRONMENTS = "deploy/environments"


def cfn_lint(template: str) -> None:
    found = shutil.which("cfn-lint") or str(Path(sys.executable).parent / "cfn-lint")
    result = run([found, "--format", "parseable", "--", template])
    if result.returncode != 0:
        findings = [line for line in result.stdout.splitlines() if line.strip()]
        first = findings[0] if findings else result.stderr.strip() or "no output"
        raise DeployError(f"{template} fails cfn-lint ({len(findings)} findings), first: {first}")
    say(f"{template}: cfn-lint found nothing")


def environment_path(environment: str) -> str:
    if not re.fullmatch(r"[a-z][a-z0-9-]{1,15}", environment) or environment == "pipeline":
        raise DeployError(f"{environment!r} is no environment name (lower case, digits, dashes)")
    return f"{ENVIRONMENTS}/{environment}.json"


# --- which image ---------------------------------------------------------------------------------
def newest_image(repository_uri: str) -> str:
    """The image pushed last to the repository (its commit tag, never the `buildcache` tag)."""
    name = repository_uri.split("/", 1)[1]
    found = aws("ecr", "describe-images", "--repository-name", name, "--filter", "tagStatus=TAGGED")
    images = sorted(found.get("imageDetails", []), key=lambda image: str(image["imagePushedAt"]))
    for image in reversed(images):
        tags = [tag for tag in image.get("imageTags", []) if tag != "buildcache"]
        if tags:
            return f"{repository_uri}:{tags[0]}"
    raise DeployError(f"no image in {name} yet: the pipeline's Build stage pushes the first one")


def previous_image(stack_name: str, current: str) -> str:
    """The image the environment ran before `current`: the newest revision of the web service's
    task definition family older than the one it runs, with another image."""
    service = aws("ecs", "describe-services", "--cluster", stack_name, "--services", "web")
    family, revision = service["services"][0]["taskDefinition"].rsplit("/", 1)[1].rsplit(":", 1)
    older: list[tuple[int, str]] = []
    for status in ("ACTIVE", "INACTIVE"):
        listed = aws("ecs", "list-task-definitions", "--family-prefix", family, "--status", status,
                     "--sort", "DESC", "--max-items", "25")  # fmt: skip
        for arn in listed.get("taskDefinitionArns", []):
            name, number = arn.rsplit("/", 1)[1].rsplit(":", 1)
            if name == family and int(number) < int(revision):
                older.append((int(number), arn))
    for _, arn in sorted(older, reverse=True)[:25]:
        definition = aws("ecs", "describe-task-definition", "--task-definition", arn)
        containers = definition["taskDefinition"]["containerDefinitions"]
        image = str(next(c["image"] for c in containers if c["name"] == "app"))
        if image != current:
            return image
    raise DeployError(f"no image before {current} in {family}; name one with --image")


def image_to_run(stack_name: str, kind: str, current: str, *, given: str | None,
                 rollback: bool, repository_uri: str) -> str | None:  # fmt: skip
    """The image the change set sets, or None to keep the stack's (the pipeline's) own."""
    if rollback and kind == "CREATE":
        raise DeployError(f"no stack {stack_name} to roll back")
    if given or not (rollback or kind == "CREATE"):
        return given
    return previous_image(stack_name, current) if rollback else newest_image(repository_uri)


# --- the commands --------------------------------------------------------------------------------
def pipeline_outputs() -> dict[str, str]:
    stack = describe_stack(PIPELINE_STACK)
    if stack is None:
        raise DeployError(
            f"no stack {PIPELINE_STACK}: deploy the pipeline first (make deploy-pipeline)"
        )
    return outputs(stack)


def deploy_environment(environment: str, *, image: str | None, rollback: bool, yes: bool) -> None:
    """Deploy (or roll back) an environment's service stack. The template goes up to the
    pipeline's artifact bucket first: it is larger than a change set takes inline."""
    path = environment_path(environment)
    parameters, tags = parameters_for(path, SERVICE_TEMPLATE, environment=environment)
    cfn_lint(SERVICE_TEMPLATE)
    pipeline = pipeline_outputs()
    stack_name = f"{SERVICE}-{environment}"
    stack = describe_stack(stack_name)
    kind = change_set_type(stack_name, stack)
    current = stack_parameter(stack, "ImageUri") if stack else ""
    image = image_to_run(stack_name, kind, current, given=image, rollback=rollback,
                         repository_uri=pipeline["RepositoryUri"])  # fmt: skip
    change_set = ChangeSet(stack_name, kind, tags=tags, capabilities="CAPABILITY_NAMED_IAM",
                           role_arn=pipeline["DeployRoleArn"])  # fmt: skip
    key = f"templates/{stack_name}/{change_set.name}.yml"
    bucket = pipeline["ArtifactBucketName"]
    aws("s3", "cp", SERVICE_TEMPLATE, f"s3://{bucket}/{key}", "--only-show-errors", parse=False)
    domain = pipeline["ArtifactBucketDomainName"]
    change_set.template = ["--template-url", f"https://{domain}/{key}"]
    change_set.parameters = [
        {"ParameterKey": k, "ParameterValue": v} for k, v in parameters.items()
    ]
    change_set.parameters.append(
        {"ParameterKey": "ImageUri", "ParameterValue": image}
        if image else {"ParameterKey": "ImageUri", "UsePreviousValue": True}
    )  # fmt: skip
    say(f"{stack_name}: image {image or current} ({'to run' if image else 'kept'})")
    done = apply(change_set, assume_yes=yes)
    if done is not None:
        result = outputs(done)
        what = f"rolled back from {current} to" if rollback else "runs"
        say(f"{environment}: {done['StackStatus']}; {what} {result.get('ImageUri')}; "
            f"{result.get('ServiceUrl')}")  # fmt: skip


def deploy_pipeline(*, yes: bool) -> None:
    parameters, tags = parameters_for(PIPELINE_PARAMETERS, PIPELINE_TEMPLATE)
    cfn_lint(PIPELINE_TEMPLATE)
    stack = describe_stack(PIPELINE_STACK)
    change_set = ChangeSet(
        PIPELINE_STACK, change_set_type(PIPELINE_STACK, stack),
        template=["--template-body", f"file://{PIPELINE_TEMPLATE}"],
        parameters=[{"ParameterKey": k, "ParameterValue": v} for k, v in parameters.items()],
        tags=tags, capabilities="CAPABILITY_IAM",
    )  # fmt: skip
    done = apply(change_set, assume_yes=yes)
    if done is not None:
        say(f"pipeline: {done['StackStatus']}; pipeline {outputs(done).get('PipelineName')}")


def check() -> int:
    """Every parameter file against its template, offline."""
    files = [(PIPELINE_PARAMETERS, PIPELINE_TEMPLATE, None)] + [
        (f"{ENVIRONMENTS}/{path.name}", SERVICE_TEMPLATE, path.stem)
        for path in sorted((ROOT / ENVIRONMENTS).glob("*.json"))
    ]
    problems = []
    for path, template, environment in files:
        problems += parameter_problems(path, template, environment=environment, filled=False)
    for problem in problems:
        print(problem, file=sys.stderr)
    say(f"{len(files)} parameter files, {len(problems)} problems")
    return 1 if problems else 0


def arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="deploy/deploy.py", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    for name, text in (("deploy", "deploy an environment"), ("rollback", "previous image")):
        command = commands.add_parser(name, help=text)
        command.add_argument("environment", help="staging, production, ... (deploy/environments)")
        command.add_argument("--image", help="run this image (ACCOUNT.dkr.ecr.../REPO:TAG)")
        command.add_argument("--yes", action="store_true", help="execute without asking")
    commands.add_parser("pipeline", help="deploy the release pipeline").add_argument(
        "--yes", action="store_true", help="execute without asking"
    )
    commands.add_parser("check", help="check the parameter files (offline)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = arguments(argv)
    target = getattr(args, "environment", args.command)
    try:
        if args.command == "check":
            return check()
        if args.command == "pipeline":
            deploy_pipeline(yes=args.yes)
        else:
            rollback = args.command == "rollback"
            deploy_environment(args.environment, image=args.image, rollback=rollback, yes=args.yes)
    except DeployError as error:
        print(f"deploy {target}: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"deploy {target}: interrupted", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
