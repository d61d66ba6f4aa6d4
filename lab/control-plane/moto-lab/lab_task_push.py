"""ECS task polls that wait for a change: the lab's stand-in for ACS's push to the agent."""

import json
import threading

from moto.ecs.models import EC2ContainerServiceBackend


def last_segment(arn: str) -> str:
    return arn.rsplit("/", 1)[-1]


# --- ECS: task polls wait for a change, as ACS pushes to the real agent. -----------------------------------
# The real agent hears of new tasks and of StopTask over ACS's websocket at once. The lab agent's ListTasks
# stands in for ACS, and the harness's DescribeTasks waits for its task to stop the same way (task-push.ts):
# with the header KNOWN_GENERATION (the generation last seen) the call waits until one of the tasks it asks
# about (DescribeTasks), or a task of the container instance it lists (ListTasks), was started or stopped
# since, or TASK_POLL_WAIT_SECONDS passed, then answers as usual. A change wakes only the polls it concerns:
# twenty agents do not all ask again for every task of the run. Callers without the header get plain
# answers, plus the GENERATION header.
KNOWN_GENERATION = "x-ecs-taskrole-lab-known-generation"
GENERATION = "x-ecs-taskrole-lab-generation"
TASK_POLL_WAIT_SECONDS = 5.0
_task_changes = threading.Condition()
_generation = 0
# Task id or container instance id -> the generation of its last change, oldest change first. A lab left up
# for weeks keeps only the newest CHANGES_KEPT; an id forgotten may have changed up to _forgotten_up_to, so a
# poll that knows less than that is answered at once (never a missed change, at worst an early answer).
CHANGES_KEPT = 10_000
_changed_at: dict[str, int] = {}
_forgotten_up_to = 0


def _task_changed(tasks) -> None:
    global _generation, _forgotten_up_to
    with _task_changes:
        _generation += 1
        for task in tasks:
            for arn in (task.task_arn, task.container_instance_arn):
                if arn:
                    key = last_segment(arn)
                    _changed_at.pop(key, None)
                    _changed_at[key] = _generation
        while len(_changed_at) > CHANGES_KEPT:
            _forgotten_up_to = _changed_at.pop(next(iter(_changed_at)))
        _task_changes.notify_all()


def _after_task_change(method):
    def changed(self, *args, **kwargs):
        result = method(self, *args, **kwargs)
        _task_changed(result if isinstance(result, list) else [result])
        return result

    return changed


EC2ContainerServiceBackend.start_task = _after_task_change(EC2ContainerServiceBackend.start_task)
EC2ContainerServiceBackend.stop_task = _after_task_change(EC2ContainerServiceBackend.stop_task)


def is_task_poll(self) -> bool:
    return str(self.headers.get("X-Amz-Target", "")).endswith((".ListTasks", ".DescribeTasks"))


def _polled_ids(self) -> list[str] | None:
    """What a task poll asks about (task or container instance ids); None: any task of the region."""
    try:
        params = json.loads(self.body or "{}")
    except ValueError:
        return None
    target = str(self.headers.get("X-Amz-Target", ""))
    if target.endswith(".DescribeTasks") and isinstance(params.get("tasks"), list):
        return [last_segment(str(task)) for task in params["tasks"]]
    if target.endswith(".ListTasks") and params.get("containerInstance"):
        return [last_segment(str(params["containerInstance"]))]
    return None


def _changed_since(known: str, ids: list[str] | None) -> bool:
    if not known.isdigit():
        return True
    if ids is None:
        return _generation > int(known)
    return any(_changed_at.get(key, _forgotten_up_to) > int(known) for key in ids)


def task_poll(self, answer):
    """Answers a task poll with `answer()` once a change it concerns happened (or the wait is over)."""
    known = self.headers.get(KNOWN_GENERATION)
    with _task_changes:
        if known is not None:
            ids = _polled_ids(self)
            _task_changes.wait_for(lambda: _changed_since(known, ids), timeout=TASK_POLL_WAIT_SECONDS)
        generation = _generation
    status, headers, body = answer()
    return status, {**headers, GENERATION: str(generation)}, body
