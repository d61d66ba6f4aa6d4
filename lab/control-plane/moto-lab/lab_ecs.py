"""ECS as the lab needs it: registration keeps what the agent sends, RunTask places and refuses as ECS does,
DeleteCluster refuses a cluster with instances, the agent reports task state."""

import json
import re
import threading
from datetime import datetime, timezone

from moto.core.responses import ActionResult
from moto.ecs.exceptions import ECSException, EcsClientException, InvalidParameterException
from moto.ecs.models import EC2ContainerServiceBackend, Task
from moto.ecs.responses import EC2ContainerServiceResponse
from moto.iam.exceptions import NotFoundException as IAMNotFoundException
from moto.iam.models import iam_backends
from moto.utilities.utils import get_partition

from lab_instance_identity import require_instance
from lab_pass_role import pass_role_denial
from lab_policy import SERVICES, trust_allows
from lab_task_push import last_segment


def requested_cluster(self) -> str:
    return last_segment(self._get_param("cluster", "default"))


# --- ECS: registration keeps what the agent sends. -----------------------------------------------------------
# The agent sends its attributes, versions and resources (`ecs-agent/api/ecs/client/ecs_client.go`), and then
# checks that the answer lists every attribute it registered (else it fails with "Attribute validation
# failed"); an agent restarted with saved state sends its containerInstanceArn, and ECS answers with that same
# container instance. moto kept only the cluster and the document's instance id, and failed with a 500 when
# the document was absent.
IDENTITY_DOCUMENT_REQUIRED = (
    "The lab registers EC2 instances only: instanceIdentityDocument (the instance's IMDS "
    "dynamic/instance-identity/document) is required."
)
_register_container_instance = EC2ContainerServiceResponse.register_container_instance


def identity_document_instance(self) -> str:
    """The document's instance, once the caller is that instance (lab_instance_identity.py): AWS checks the
    document's signature; the lab, which signs nothing, binds it to the caller's instance-role session."""
    try:
        instance_id = json.loads(self._get_param("instanceIdentityDocument") or "")["instanceId"]
    except (ValueError, TypeError, KeyError):
        raise EcsClientException(IDENTITY_DOCUMENT_REQUIRED) from None
    require_instance(self, "RegisterContainerInstance", instance_id)
    return instance_id


def registered_before(self, ec2_instance_id: str):
    """The container instance an agent with saved state names, when it is this EC2 instance's in this cluster."""
    known = self._get_param("containerInstanceArn")
    instances = self.ecs_backend.container_instances.get(requested_cluster(self), {})
    instance = instances.get(last_segment(known)) if known else None
    return instance if instance is not None and instance.ec2_instance_id == ec2_instance_id else None


def register_container_instance(self):
    ec2_instance_id = identity_document_instance(self)
    instance = registered_before(self, ec2_instance_id)
    new = instance is None
    if new:
        instance = _register_container_instance(self).result["containerInstance"]
    # An agent without saved state registers anew (after a reboot of the lab's hosts): the older container
    # instance of the same EC2 instance keeps no agent, and ECS places nothing on a disconnected agent.
    for other in self.ecs_backend.container_instances.get(requested_cluster(self), {}).values():
        if other is not instance and other.ec2_instance_id == instance.ec2_instance_id:
            other.agent_connected = False
    for attribute in self._get_param("attributes") or []:
        instance.attributes[attribute["name"]] = attribute.get("value")
    version_info = self._get_param("versionInfo")
    if version_info:
        # The lab's model agent names its versions here and has no ACS session: connected by registering.
        instance.version_info = {**instance.version_info, **version_info}
        instance.agent_connected = True
    else:
        # The real agent sends no versionInfo (ecs-agent/api/ecs/client/ecs_client.go): ECS learns its versions
        # from its ACS URL (lab_acs.py), and it counts as connected while its ACS session is open. Until then
        # no placeholder versions (moto's own are "1.0.0").
        if new:
            instance.version_info = {}
        instance.agent_connected = getattr(instance, "lab_acs_connections", 0) > 0
    resources = self._get_param("totalResources")
    if resources:
        instance.registered_resources = [dict(resource) for resource in resources]
        if new:
            instance.remaining_resources = [dict(resource) for resource in resources]
    return ActionResult({"containerInstance": instance})


EC2ContainerServiceResponse.register_container_instance = register_container_instance


# --- ECS: RunTask honours placement constraints and the attributes a task definition requires. -------------
# ECS derives a task definition's requiresAttributes when it is registered (DescribeTaskDefinition shows
# them) and places a task only on a container instance that registered every one; any other instance is a
# RunTask failure {arn: <container instance>, reason: "ATTRIBUTE"} (Developer Guide, "API failure reasons";
# aws/amazon-ecs-agent#1423, #1429). What each parameter requires:
# - logConfiguration.logDriver D: com.amazonaws.ecs.capability.logging-driver.D and Docker Remote API 1.18,
#   its options 1.19 (ContainerDefinition.logConfiguration / LogConfiguration.options in the API Reference;
#   an awslogs definition's requiresAttributes list logging-driver.awslogs with docker-remote-api.1.19).
# - executionRoleArn with an awslogs container: ecs.capability.execution-role-awslogs (the attribute the
#   agent registers only with ECS_ENABLE_AWSLOGS_EXECUTIONROLE_OVERRIDE, agent/app/agent_capability.go).
# - taskRoleArn: com.amazonaws.ecs.capability.task-iam-role; in host mode also task-iam-role-network-host
#   (Developer Guide, task-iam-roles.md: the agent flags ECS_ENABLE_TASK_IAM_ROLE[_NETWORK_HOST]).
# - awsvpc: ecs.capability.task-eni; a given networkMode: Docker Remote API 1.18 (an awsvpc definition's
#   requiresAttributes list docker-remote-api.1.18 beside task-eni).
CAPABILITY = "com.amazonaws.ecs.capability."
TASK_IAM_ROLE = CAPABILITY + "task-iam-role"
TASK_IAM_ROLE_NETWORK_HOST = CAPABILITY + "task-iam-role-network-host"
TASK_ENI = "ecs.capability.task-eni"
EXECUTION_ROLE_AWSLOGS = "ecs.capability.execution-role-awslogs"
MEMBER_OF = re.compile(r"^\s*ec2InstanceId\s*(==|in)\s*(.+?)\s*$")


def docker_remote_api(version: str) -> str:
    return f"{CAPABILITY}docker-remote-api.{version}"


def _log_driver_attributes(container: dict) -> list[str]:
    log_configuration = container.get("logConfiguration") or {}
    driver = log_configuration.get("logDriver")
    if not driver:
        return []
    versions = ["1.18", *(["1.19"] if log_configuration.get("options") else [])]
    return [f"{CAPABILITY}logging-driver.{driver}", *map(docker_remote_api, versions)]


def required_attributes(task_definition) -> list[str]:
    """The attributes ECS requires of an instance for this task definition (see above), each once."""
    containers = task_definition.container_definitions or []
    required = [name for container in containers for name in _log_driver_attributes(container)]
    awslogs = any((c.get("logConfiguration") or {}).get("logDriver") == "awslogs" for c in containers)
    if getattr(task_definition, "execution_role_arn", None) and awslogs:
        required.append(EXECUTION_ROLE_AWSLOGS)
    if getattr(task_definition, "task_role_arn", None):
        required.append(TASK_IAM_ROLE)
        if task_definition.network_mode == "host":
            required.append(TASK_IAM_ROLE_NETWORK_HOST)
    if getattr(task_definition, "lab_network_mode_given", True):
        required.append(docker_remote_api("1.18"))
    if task_definition.network_mode == "awsvpc":
        required.append(TASK_ENI)
    return list(dict.fromkeys(required))


# Registration records them, as ECS does (DescribeTaskDefinition's requiresAttributes); moto keeps none.
_register_task_definition = EC2ContainerServiceResponse.register_task_definition


def register_task_definition(self):
    result = _register_task_definition(self)
    task_definition = result.result["taskDefinition"]
    # moto fills in "bridge" for a definition without networkMode; ECS requires no API version then.
    task_definition.lab_network_mode_given = bool(self._get_param("networkMode"))
    task_definition.requires_attributes = [{"name": name} for name in required_attributes(task_definition)]
    return result


EC2ContainerServiceResponse.register_task_definition = register_task_definition


def member_of(instance, expression: str) -> bool:
    match = MEMBER_OF.match(expression)
    if not match:
        raise ValueError(f"the lab supports only memberOf(ec2InstanceId == …) expressions, got {expression!r}")
    operator, operand = match.groups()
    wanted = [operand] if operator == "==" else [item.strip() for item in operand.strip("[]").split(",")]
    return instance.ec2_instance_id in wanted


# --- ECS: RunTask refuses a task role the ECS service cannot assume. ----------------------------------------
# AWS checks the task role (the task definition's, or overrides.taskRoleArn) when RunTask is called: a role
# whose trust policy does not admit ecs-tasks.amazonaws.com is a ClientException and no task is created.
# The lab evaluates the trust policy as its ECS-service user, the same evaluation its data plane's
# AssumeRole gets later, so the refusal comes from the policy, not from a list of expected outcomes.
UNASSUMABLE_TASK_ROLE = (
    "ECS was unable to assume the role '{arn}' that was provided for this task. Please verify that the role "
    "being passed has the proper trust relationship and permissions and that your IAM user has permissions "
    "to pass this role."
)


def task_role_refusal(account_id: str, region: str, role_arn: str):
    """The ClientException RunTask raises for this task role, or None when ECS could assume it."""
    ecs_user = next((user for user, service in SERVICES.items() if service == "ecs-tasks.amazonaws.com"), None)
    if not role_arn or ecs_user is None:
        return None
    try:
        role = iam_backends[account_id][get_partition(region)].get_role_by_arn(role_arn)
        caller = f"arn:aws:iam::{account_id}:user/{ecs_user}"
        values = {"aws:SourceAccount": account_id}
        if trust_allows(role.assume_role_policy_document, caller, "sts:AssumeRole", values):
            return None
    except IAMNotFoundException:
        pass  # no such role: nothing to assume (inference: AWS answers with the same text)
    return EcsClientException(UNASSUMABLE_TASK_ROLE.format(arn=role_arn))


# --- ECS: RunTask takes networkConfiguration exactly when the task definition is awsvpc. --------------------
# AWS's InvalidParameterException texts, as users of the real API quote them; moto's own run_task checks only
# the first, and the lab's run_task below goes through start_task, which would drop the configuration.
NETWORK_CONFIGURATION_MISSING = "Network Configuration must be provided when networkMode 'awsvpc' is specified."
NETWORK_CONFIGURATION_INVALID = "Network Configuration is not valid for the given networkMode of this task definition."
_lab_network_configuration = threading.local()
_task_init = Task.__init__


def task_init(self, *args, **kwargs):
    kwargs.setdefault("networking_configuration", getattr(_lab_network_configuration, "value", None))
    _task_init(self, *args, **kwargs)


Task.__init__ = task_init


def network_configuration_of(task_definition, given):
    if task_definition.network_mode == "awsvpc" and not given:
        raise InvalidParameterException(NETWORK_CONFIGURATION_MISSING)
    if task_definition.network_mode != "awsvpc" and given:
        raise InvalidParameterException(NETWORK_CONFIGURATION_INVALID)
    return given


def run_task(self):
    backend = self.ecs_backend
    cluster = backend._get_cluster(self._get_param("cluster", "default"))
    task_definition = backend.describe_task_definition(self._get_param("taskDefinition"))
    network_configuration = network_configuration_of(task_definition, self._get_param("networkConfiguration"))
    overrides = self._get_param("overrides") or {}
    role_arn = overrides.get("taskRoleArn") or getattr(task_definition, "task_role_arn", None)
    execution_role_arn = overrides.get("executionRoleArn") or getattr(task_definition, "execution_role_arn", None)
    for passed in (role_arn, execution_role_arn):
        denial = pass_role_denial(self, passed, "ecs-tasks.amazonaws.com")
        if denial:
            raise denial
    # ECS assumes both roles it is given; either one it cannot assume is the same ClientException, no task.
    for assumed in (role_arn, execution_role_arn):
        refusal = task_role_refusal(self.current_account, self.region, assumed)
        if refusal:
            raise refusal
    candidates = [
        i for i in backend.container_instances.get(cluster.name, {}).values() if i.status == "ACTIVE" and i.agent_connected
    ]
    for constraint in self._get_param("placementConstraints") or []:
        if constraint.get("type") == "memberOf":
            candidates = [i for i in candidates if member_of(i, constraint.get("expression", ""))]
    required = [attribute["name"] for attribute in getattr(task_definition, "requires_attributes", [])]
    placeable = [i for i in candidates if all(name in i.attributes for name in required)]
    if not candidates:
        return ActionResult({"tasks": [], "failures": [{"reason": "No Container Instances were found in your cluster."}]})
    if not placeable:
        failures = [{"arn": i.container_instance_arn, "reason": "ATTRIBUTE"} for i in candidates]
        return ActionResult({"tasks": [], "failures": failures})
    count = self._get_int_param("count", 1)
    _lab_network_configuration.value = network_configuration
    try:
        tasks = backend.start_task(
            cluster.name,
            self._get_param("taskDefinition"),
            [i.container_instance_arn for i in placeable[:count]],
            self._get_param("overrides"),
            self._get_param("startedBy"),
            self._get_param("tags"),
            self._get_param("group"),
        )
    finally:
        _lab_network_configuration.value = None
    return ActionResult({"tasks": tasks, "failures": []})


EC2ContainerServiceResponse.run_task = run_task


# --- ECS: DeleteCluster refuses a cluster with container instances. ---------------------------------------
# moto deletes any cluster; ECS refuses while a container instance is ACTIVE or DRAINING in it, so a teardown
# must deregister them first (and again, should an agent register meanwhile).
CLUSTER_HAS_INSTANCES = "The Cluster cannot be deleted while Container Instances are active or draining."
_delete_cluster = EC2ContainerServiceBackend.delete_cluster


def delete_cluster(self, cluster_str: str):
    cluster = self._get_cluster(cluster_str)
    registered = self.container_instances.get(cluster.name, {}).values()
    if any(instance.status in ("ACTIVE", "DRAINING") for instance in registered):
        raise ECSException("ClusterContainsContainerInstancesException", CLUSTER_HAS_INSTANCES)
    return _delete_cluster(self, cluster_str)


EC2ContainerServiceBackend.delete_cluster = delete_cluster


# --- ECS: the agent reports task state (SubmitTaskStateChange), DescribeTasks shows it. ---------------------
def reported_task(self, action: str):
    """The task a state report names, once the caller is the agent of the instance it was placed on: an
    instance's credentials change its own tasks only."""
    task_id = last_segment(self._get_param("task") or "")
    task = next(
        (t for arn, t in self.ecs_backend.tasks.get(requested_cluster(self), {}).items() if task_id and last_segment(arn) == task_id),
        None,
    )
    if task is None:
        raise InvalidParameterException(f"The referenced task was not found: {self._get_param('task')}")
    require_instance(self, action, instance_of_task(self, task))
    return task


def instance_of_task(self, task) -> str:
    instances = self.ecs_backend.container_instances.get(requested_cluster(self), {})
    placed = instances.get(last_segment(task.container_instance_arn or ""))
    return placed.ec2_instance_id if placed is not None else "(none: the task's container instance is gone)"


def submit_task_state_change(self):
    backend = self.ecs_backend
    cluster_name = requested_cluster(self)
    task = reported_task(self, "SubmitTaskStateChange")
    status = self._get_param("status")
    reports = {c.get("containerName"): c for c in self._get_param("containers") or []}
    for container in task.containers:
        report = reports.get(container.name)
        if report:
            container.last_status = report.get("status", container.last_status)
            if report.get("exitCode") is not None:
                container.exitCode = report["exitCode"]
            if report.get("reason"):
                container.reason = report["reason"]
    if status == "STOPPED" and task.last_status != "STOPPED":
        # Complete before stop_task tells waiting DescribeTasks calls (below) that the task changed.
        task.stop_code = "EssentialContainerExited"
        task.stopped_at = datetime.now(timezone.utc)
        backend.stop_task(cluster_name, task.task_arn, self._get_param("reason") or "Essential container in task exited")
    elif status:
        task.last_status = status
        if status == "RUNNING":
            task.started_at = datetime.now(timezone.utc)
    return ActionResult({"acknowledgment": "ACK"})


EC2ContainerServiceResponse.submit_task_state_change = submit_task_state_change
