"""CloudFormation change sets through the AWS CLI: create one, show it, execute it once confirmed,
wait for the stack and name what failed. Used by deploy/deploy.py; only the standard library."""

from __future__ import annotations

import contextlib
import json
import subprocess
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
FAILED_CREATION = {"ROLLBACK_COMPLETE", "ROLLBACK_FAILED", "CREATE_FAILED", "DELETE_FAILED"}
NO_CHANGES = ("didn't contain changes", "No updates are to be performed")


class DeployError(Exception):
    """A failure, said in one line."""


def say(message: str) -> None:
    print(message, flush=True)


# --- the AWS CLI ---------------------------------------------------------------------------------
def run(args: list[str]) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(args, cwd=ROOT, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise DeployError(f"{args[0]} is not installed (docs/deploy.md, Prerequisites)") from None


def aws(*args: str, parse: bool = True, missing_ok: bool = False) -> Any:
    """Run `aws ARGS` (JSON output when `parse`). A failure is a DeployError with the last line
    of its stderr; with `missing_ok`, a "does not exist" failure is None."""
    result = run(["aws", *args, *(["--output", "json"] if parse else [])])
    if result.returncode != 0:
        if missing_ok and "does not exist" in result.stderr:
            return None
        lines = [line.strip() for line in result.stderr.splitlines() if line.strip()]
        reason = lines[-1] if lines else f"exit status {result.returncode}"
        raise DeployError(f"aws {args[0]} {args[1]} failed: {reason}")
    return json.loads(result.stdout or "{}") if parse else None


# --- stacks --------------------------------------------------------------------------------------
def describe_stack(stack: str) -> dict[str, Any] | None:
    found = aws("cloudformation", "describe-stacks", "--stack-name", stack, missing_ok=True)
    return None if found is None else dict(found["Stacks"][0])


def outputs(stack: dict[str, Any]) -> dict[str, str]:
    return {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}


def stack_parameter(stack: dict[str, Any], key: str) -> str:
    values = {p["ParameterKey"]: p.get("ParameterValue", "") for p in stack.get("Parameters", [])}
    return str(values.get(key, ""))


def change_set_type(stack_name: str, stack: dict[str, Any] | None) -> str:
    """CREATE or UPDATE; a stack that is busy or whose creation failed cannot take either."""
    status = stack["StackStatus"] if stack else "REVIEW_IN_PROGRESS"
    if status == "REVIEW_IN_PROGRESS":
        return "CREATE"
    if status in FAILED_CREATION:
        delete = f"aws cloudformation delete-stack --stack-name {stack_name}"
        raise DeployError(f"{stack_name} is {status}: its creation failed; delete it ({delete})")
    if status.endswith("_IN_PROGRESS") or status == "UPDATE_ROLLBACK_FAILED":
        raise DeployError(f"{stack_name} is {status}: wait until it settles (a pipeline run?)")
    return "UPDATE"


# --- change sets ---------------------------------------------------------------------------------
@dataclass
class ChangeSet:
    stack: str
    kind: str  # CREATE or UPDATE
    tags: dict[str, str]
    capabilities: str
    template: list[str] = field(default_factory=list)  # --template-body or --template-url ...
    parameters: list[dict[str, Any]] = field(default_factory=list)
    role_arn: str | None = None
    name: str = field(default_factory=lambda: f"deploy-{datetime.now(UTC):%Y%m%d-%H%M%S}")

    def names(self) -> list[str]:
        return ["--stack-name", self.stack, "--change-set-name", self.name]


def create(change_set: ChangeSet) -> dict[str, Any] | None:
    """Create the change set and wait for it: its description, or None when nothing changes."""
    aws("cloudformation", "create-change-set", *change_set.names(),
        "--change-set-type", change_set.kind, *change_set.template,
        "--parameters", json.dumps(change_set.parameters),
        "--capabilities", change_set.capabilities,
        *(["--role-arn", change_set.role_arn] if change_set.role_arn else []),
        "--tags", json.dumps([{"Key": k, "Value": v} for k, v in change_set.tags.items()]),
    )  # fmt: skip
    with contextlib.suppress(DeployError):  # a failed change set: its description says why
        aws("cloudformation", "wait", "change-set-create-complete", *change_set.names(),
            parse=False)  # fmt: skip
    description: dict[str, Any] = aws("cloudformation", "describe-change-set", *change_set.names())
    reason = description.get("StatusReason", "")
    if description["Status"] == "FAILED" and any(text in reason for text in NO_CHANGES):
        discard(change_set)
        return None
    if description["Status"] != "CREATE_COMPLETE":
        raise DeployError(f"change set {change_set.name} is {description['Status']}: {reason}")
    return description


def show(change_set: ChangeSet, description: dict[str, Any]) -> None:
    changes = [c["ResourceChange"] for c in description.get("Changes", [])]
    say(f"{change_set.kind} {change_set.stack}: {len(changes)} resources change "
        f"(change set {change_set.name})")  # fmt: skip
    for change in changes:
        replacement = " (replaced)" if change.get("Replacement") == "True" else ""
        say(f"  {change['Action']:<8} {change['LogicalResourceId']:<32} "
            f"{change['ResourceType']}{replacement}")  # fmt: skip
    if description.get("NextToken"):
        say("  ... and more: see the change set in the CloudFormation console")


def confirmed(change_set: ChangeSet, assume_yes: bool) -> bool:
    if assume_yes:
        return True
    print(f"Execute this change set on {change_set.stack}? [y/N] ", end="", flush=True)
    try:
        return input().strip().lower() in {"y", "yes"}
    except EOFError:
        return False


def discard(change_set: ChangeSet) -> None:
    aws("cloudformation", "delete-change-set", *change_set.names(), parse=False)
    if change_set.kind == "CREATE":  # the empty stack the change set made (REVIEW_IN_PROGRESS)
        aws("cloudformation", "delete-stack", "--stack-name", change_set.stack, parse=False)


def execute(change_set: ChangeSet) -> dict[str, Any]:
    """Execute, wait for the stack, and return its description; a failure names its cause."""
    aws("cloudformation", "execute-change-set", *change_set.names(),
        "--client-request-token", change_set.name, parse=False)  # fmt: skip
    say(f"{change_set.stack}: executing; waiting for the stack (RDS and ECS take minutes)")
    waiter = "stack-create-complete" if change_set.kind == "CREATE" else "stack-update-complete"
    try:
        aws("cloudformation", "wait", waiter, "--stack-name", change_set.stack, parse=False)
    except DeployError:
        raise DeployError(failure(change_set)) from None
    stack = describe_stack(change_set.stack)
    assert stack is not None
    return stack


def failure(change_set: ChangeSet) -> str:
    """The stack's status and the first resource that failed in this execution."""
    stack = describe_stack(change_set.stack)
    status = stack["StackStatus"] if stack else "DELETE_COMPLETE"
    if status.endswith("_IN_PROGRESS"):
        follow = f"aws cloudformation describe-stack-events --stack-name {change_set.stack}"
        return f"{change_set.stack} is still {status} after waiting an hour; follow it: {follow}"
    events = aws("cloudformation", "describe-stack-events", "--stack-name", change_set.stack,
                 "--max-items", "100").get("StackEvents", [])  # fmt: skip
    failed = [
        e for e in events
        if e.get("ClientRequestToken") == change_set.name and e["ResourceStatus"].endswith("FAILED")
        and e.get("ResourceStatusReason")
    ]  # fmt: skip
    cause = failed[-1] if failed else None  # events come newest first
    detail = f": {cause['LogicalResourceId']} {cause['ResourceStatusReason']}" if cause else ""
    return f"{change_set.stack} failed, now {status}{detail}"


def apply(change_set: ChangeSet, *, assume_yes: bool) -> dict[str, Any] | None:
    """The whole round: create, show, confirm, execute, wait. None when nothing changes."""
    description = create(change_set)
    if description is None:
        say(f"{change_set.stack}: no changes; nothing to do")
        return None
    show(change_set, description)
    if not confirmed(change_set, assume_yes):
        discard(change_set)
        raise DeployError("not confirmed, nothing changed (--yes skips the question)")
    return execute(change_set)
