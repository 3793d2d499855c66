"""The demo: an account of the scheduler group and sample problems, each with a generated
timetable, for a first look at the service (`manage.py demo`, `make demo`). Safe to run again:
the account gets a new password, and nothing is imported or generated twice."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.contrib.auth.models import Group, User
from django.db import transaction

from ..models import GenerationRun, Problem
from ..permissions import SCHEDULER_GROUP
from ..timetabling.demo import demo_instance_path
from .problems import problem_import
from .run_execution import run_execute
from .runs import run_start

DEMO_USERNAME = "demo"
# (shipped instance, problem name, seconds of generation): the toy, and the first ITC-2007 term.
SAMPLES = [("toy.ectt", "Toy term (demo)", 2), ("comp01.ectt", "comp01 (demo)", 10)]


@dataclass(frozen=True)
class Demo:
    username: str
    password: str
    problems: list[Problem]


def demo_account_ensure(*, username: str = DEMO_USERNAME, password: str = "") -> tuple[User, str]:
    """The demo account (made if missing), a member of the scheduler group, with `password` or a
    new random one; returns it and the password."""
    password = password or secrets.token_urlsafe(12)
    with transaction.atomic():
        user, _ = User.objects.get_or_create(username=username)
        user.set_password(password)
        user.save(update_fields=["password"])
        user.groups.add(Group.objects.get_or_create(name=SCHEDULER_GROUP)[0])
    return user, password


def demo_seed(*, password: str = "", time_limit: int | None = None) -> Demo:
    """The account, and each sample problem with one generated revision (generated here, in
    this process, once)."""
    user, password = demo_account_ensure(password=password)
    problems = []
    for filename, name, seconds in SAMPLES:
        problem = Problem.objects.filter(name=name).order_by("id").first()
        if problem is None:
            data = demo_instance_path(filename).read_bytes()
            problem = problem_import(file=data, name=name, filename=filename, created_by=user)
        if not problem.revisions.exists():
            run = run_start(
                problem=problem, time_limit=time_limit or seconds, created_by=user, enqueue=False
            )
            run_execute(run_id=run.pk)
            run = GenerationRun.objects.get(pk=run.pk)
            if run.status != GenerationRun.Status.SUCCEEDED:
                raise RuntimeError(f"{name}: the demo run {run.status} ({run.error_message})")
        problems.append(problem)
    return Demo(username=user.get_username(), password=password, problems=problems)
