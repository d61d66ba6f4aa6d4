"""ECS: what the real agent reports besides SubmitTaskStateChange (lab_ecs.py), which moto does not implement:
SubmitContainerStateChange and SubmitAttachmentStateChanges (`ecs-agent/api/ecs/client/ecs_client.go`).
DescribeTasks shows what they report."""

from moto.core.responses import ActionResult
from moto.ecs.exceptions import InvalidParameterException
from moto.ecs.responses import EC2ContainerServiceResponse

from lab_ecs import requested_cluster
from lab_task_push import last_segment


def reported_task(self):
    task_id = last_segment(self._get_param("task") or "")
    for arn, task in self.ecs_backend.tasks.get(requested_cluster(self), {}).items():
        if task_id and last_segment(arn) == task_id:
            return task
    raise InvalidParameterException(f"The referenced task was not found: {self._get_param('task')}")


# --- A container's status, exit code, reason and runtime id (the agent sends RUNNING and STOPPED only). --------
def submit_container_state_change(self):
    task = reported_task(self)
    name = self._get_param("containerName")
    for container in task.containers:
        if container.name != name:
            continue
        container.last_status = self._get_param("status") or container.last_status
        if self._get_param("exitCode") is not None:
            container.exitCode = self._get_param("exitCode")
        if self._get_param("reason"):
            container.reason = self._get_param("reason")
        if self._get_param("runtimeId"):
            container.runtime_id = self._get_param("runtimeId")
    return ActionResult({"acknowledgment": "ACK"})


EC2ContainerServiceResponse.submit_container_state_change = submit_container_state_change


# --- An attachment's status (an awsvpc task's ENI: ATTACHED, DETACHED). -----------------------------------------
def submit_attachment_state_changes(self):
    reports = {last_segment(a.get("attachmentArn", "")): a.get("status") for a in self._get_param("attachments") or []}
    for tasks in self.ecs_backend.tasks.values():
        for task in tasks.values():
            for attachment in task.attachments:
                if attachment.get("id") in reports and reports[attachment["id"]]:
                    attachment["status"] = reports[attachment["id"]]
    return ActionResult({"acknowledgment": "ACK"})


EC2ContainerServiceResponse.submit_attachment_state_changes = submit_attachment_state_changes
