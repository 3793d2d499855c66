"""ECS task scale-in protection for long work: the worker asks the ECS agent of its task to keep
scale-in (and deployments) away while a generation runs. Outside ECS (no ECS_AGENT_URI) it does
nothing.

The protection is never cleared early, it expires: the pool processes of one worker share one
task, and a process that finished cannot know whether another still runs. It is asked for the
run's budget plus a margin, so an idle worker stays protected a few minutes at most. If the
agent cannot be reached the run goes on unprotected (and a stopping worker hands it back).
"""

import json
import logging
import os
import urllib.error
import urllib.request

logger = logging.getLogger(__name__)
TIMEOUT_SECONDS = 2.0
MARGIN_MINUTES = 3


def protect_task(*, seconds: int) -> bool:
    """Protect this ECS task for `seconds` plus the margin; False outside ECS or on failure."""
    agent = os.environ.get("ECS_AGENT_URI")
    if not agent:
        return False
    minutes = -(-seconds // 60) + MARGIN_MINUTES  # rounded up
    body = json.dumps({"ProtectionEnabled": True, "ExpiresInMinutes": minutes}).encode()
    request = urllib.request.Request(
        f"{agent}/task-protection/v1/state",
        data=body,
        method="PUT",
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            status: int = response.status
            return 200 <= status < 300
    except (urllib.error.URLError, OSError) as error:
        logger.warning("task scale-in protection not set: %s", error)
        return False
