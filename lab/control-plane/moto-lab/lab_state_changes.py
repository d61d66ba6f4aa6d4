"""ECS: what the real agent reports besides SubmitTaskStateChange (lab_ecs.py), which moto does not implement:
SubmitContainerStateChange and SubmitAttachmentStateChanges (`ecs-agent/api/ecs/client/ecs_client.go`).
DescribeTasks shows what they report."""

from moto.core.responses import ActionResult
from moto.ecs.responses import EC2ContainerServiceResponse

from lab_ecs import reported_task
from lab_instance_identity import caller_instance
from lab_task_push import last_segment


# --- A container's status, exit code, reason and runtime id (the agent sends RUNNING and STOPPED only). --------
def submit_container_state_change(self):
    task = reported_task(self, "SubmitContainerStateChange")
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


# --- An attachment's status (an awsvpc task's ENI: ATTACHED, DETACHED), of the caller's own tasks only. ---------
def _callers_tasks(self):
    caller = caller_instance(self.get_access_key(), self.region)
    for cluster, instances in self.ecs_backend.container_instances.items():
        mine = {i.container_instance_arn for i in instances.values() if caller and i.ec2_instance_id == caller}
        for task in self.ecs_backend.tasks.get(cluster, {}).values():
            if task.container_instance_arn in mine:
                yield task


def submit_attachment_state_changes(self):
    reports = {last_segment(a.get("attachmentArn", "")): a.get("status") for a in self._get_param("attachments") or []}
    for task in _callers_tasks(self):
        for attachment in task.attachments:
            if attachment.get("id") in reports and reports[attachment["id"]]:
                attachment["status"] = reports[attachment["id"]]
    return ActionResult({"acknowledgment": "ACK"})


EC2ContainerServiceResponse.submit_attachment_state_changes = submit_attachment_state_changes
