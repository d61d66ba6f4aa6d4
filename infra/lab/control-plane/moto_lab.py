"""moto's server with the lab's fixes: what makes moto behave like AWS for ecs-taskrole-conformance.

Each fix closes one measured gap (docs/lab-differences.md). They live here,
at the spot where moto decides, so every client in a task (SDK v3, AWS CLI v1/v2, aws-sdk v2) sees them.
moto is Python; this file and moto_pass_role.py beside it are the only Python in the project. Started by
moto-process.ts:

    python moto_lab.py HOST PORT [LAB_DIR]

LAB_DIR is not read: it names the lab a process belongs to in `ps`.

Environment: ECS_TASKROLE_LAB_SERVICES, a JSON object {"<IAM user name>": "<service principal>"}: the
lab's stand-ins for AWS services (the ECS service assuming task roles, EC2 serving instance profiles);
ECS_TASKROLE_LAB_CONSOLE_DIR, where the data plane keeps the instances' consoles (GetConsoleOutput).
"""

import base64
import json
import logging
import os
import re
import sys
import threading
from datetime import datetime, timezone

import moto

if moto.__version__.split(".")[0] != "5":
    sys.exit(f"moto {moto.__version__} is not supported by the lab; install moto 5: pip install 'moto[server]>=5,<6'")

from moto.core.responses import ActionResult, BaseResponse  # noqa: E402
from moto.core.types import Base64EncodedString  # noqa: E402
from moto.core.utils import utcnow  # noqa: E402
from moto.ec2.models.instances import Instance, InstanceBackend  # noqa: E402
from moto.ec2.responses.general import General  # noqa: E402
from moto.ecs.exceptions import ECSException, EcsClientException, InvalidParameterException  # noqa: E402
from moto.ecs.models import EC2ContainerServiceBackend, Task  # noqa: E402
from moto.ecs.responses import EC2ContainerServiceResponse  # noqa: E402
from moto.iam import access_control  # noqa: E402
from moto.iam.exceptions import NotFoundException as IAMNotFoundException  # noqa: E402
from moto.iam.models import iam_backends  # noqa: E402
from moto.iam.utils import format_incoming_conditional_values  # noqa: E402
from moto.utilities.utils import get_partition  # noqa: E402
from moto.server import main  # noqa: E402
from moto import backends as moto_backends  # noqa: E402
from moto.moto_server.werkzeug_app import DomainDispatcherApplication  # noqa: E402

import moto_pass_role  # noqa: E402  (beside this file: iam:PassRole where AWS checks it)
from moto_pass_role import as_list  # noqa: E402

moto_pass_role.install()

SERVICES: dict[str, str] = json.loads(os.environ.get("ECS_TASKROLE_LAB_SERVICES", "{}"))


# --- Auth failures on JSON-protocol services (ECS, Logs, SSM) come back as AWS's JSON errors. -----------
# moto renders them as XML; SDK v3 then throws a SyntaxError and "denied" / "bad signature" look alike.
JSON_AUTH_ERRORS = {
    "AccessDenied": "AccessDeniedException",
    "SignatureDoesNotMatch": "InvalidSignatureException",
    "InvalidClientTokenId": "UnrecognizedClientException",
}
_call_action = BaseResponse.call_action


def call_action(self):
    if _is_task_poll(self):
        return _task_poll(self)
    return _as_json_auth_error(self, *_call_action(self))


def _as_json_auth_error(self, status, headers, body):
    is_json_protocol = bool(self.headers.get("X-Amz-Target"))
    if status < 400 or not is_json_protocol or not isinstance(body, str) or not body.lstrip().startswith("<"):
        return status, headers, body
    code = re.search(r"<Code>([^<]+)</Code>", body)
    error_type = JSON_AUTH_ERRORS.get(code.group(1) if code else "")
    if not error_type:
        return status, headers, body
    message = re.search(r"<Message>([^<]*)</Message>", body)
    headers = {**headers, "Content-Type": "application/x-amz-json-1.1", "x-amzn-ErrorType": error_type}
    return status, headers, json.dumps({"__type": error_type, "message": message.group(1) if message else ""})


BaseResponse.call_action = call_action


# --- Trust policies with a Service principal. ---------------------------------------------------------------
# moto only understands AWS principals (a Service statement crashes it with a 500) and denies `:root`.
# The lab's service users act as their service principal; an AWS principal `arn:…:root` or an account id
# admits every identity of that account, as in AWS.
def _caller_service(principal_arn: str):
    return SERVICES.get(principal_arn.rsplit("/", 1)[-1]) if ":user/" in principal_arn else None


def check_principal(self, principal: str) -> bool:
    expected = self._statement.get("Principal")
    if not expected or expected == "*":
        return True
    service = _caller_service(principal)
    if service:
        return service in as_list(expected.get("Service"))
    account = principal.split(":")[4]
    allowed = as_list(expected.get("AWS"))
    return "*" in allowed or principal in allowed or account in allowed or f"arn:aws:iam::{account}:root" in allowed


access_control.IAMPolicyStatement._check_principal = check_principal


def check_role_trust_relationship(self, role_arn: str) -> bool:
    caller = self._access_key.arn
    values = format_incoming_conditional_values(self._data) or {}
    if _caller_service(caller):
        # The service assumes the role on behalf of a resource of the caller's account (ECS: the task).
        values = {**values, "aws:SourceAccount": self.account_id}
    role = self.backend.get_role_by_arn(role_arn)
    return trust_allows(role.assume_role_policy_document, caller, self._action, values)


def trust_allows(policy_document: str, caller: str, action: str, values: dict) -> bool:
    """AWS's evaluation of a trust policy: an explicit Deny wins, else any matching Allow; a statement for
    another principal does not apply (moto treats it as a Deny, and lets a Deny without Resource allow)."""
    document = access_control.IAMPolicy(policy_document)._policy_json
    allowed = False
    for raw in as_list(document.get("Statement")):
        statement = access_control.IAMPolicyStatement(raw)
        applies = (
            "Action" in raw
            and statement._check_element_matches("Action", action)
            and statement._check_principal(caller)
            and statement._check_conditions(values)
        )
        if not applies:
            continue
        if raw.get("Effect") == "Deny":
            return False
        allowed = True
    return allowed


access_control.IAMRequestBase._check_role_trust_relationship = check_role_trust_relationship


# --- Resources moto cannot name. -----------------------------------------------------------------------------
# moto evaluates most actions against the resource `*` (it names only roles and AssumeRole targets), so a
# statement scoped to ARNs would never match. Such a statement is judged on its actions, as if its
# resources matched: the lab proves a policy's actions sufficient, not its resource scoping.
_check_element_matches = access_control.IAMPolicyStatement._check_element_matches


def check_element_matches(self, element: str, value: str) -> bool:
    if element == "Resource" and value == "*":
        return True
    return _check_element_matches(self, element, value)


access_control.IAMPolicyStatement._check_element_matches = check_element_matches


# --- ECS: registration keeps the agent's attributes and versions. -------------------------------------------
_register_container_instance = EC2ContainerServiceResponse.register_container_instance


def register_container_instance(self):
    result = _register_container_instance(self)
    instance = result.result["containerInstance"]
    # An agent without saved state registers anew (after a reboot of the lab's hosts): the older container
    # instance of the same EC2 instance keeps no agent, and ECS places nothing on a disconnected agent.
    for other in self.ecs_backend.container_instances.get(_cluster_name(self), {}).values():
        if other is not instance and other.ec2_instance_id == instance.ec2_instance_id:
            other.agent_connected = False
    for attribute in self._get_param("attributes") or []:
        instance.attributes[attribute["name"]] = attribute.get("value")
    version_info = self._get_param("versionInfo")
    if version_info:
        instance.version_info = {**instance.version_info, **version_info}
    return result


EC2ContainerServiceResponse.register_container_instance = register_container_instance


# --- ECS: RunTask honours placement constraints and the attributes a task definition requires. -------------
TASK_IAM_ROLE = "com.amazonaws.ecs.capability.task-iam-role"
TASK_IAM_ROLE_NETWORK_HOST = "com.amazonaws.ecs.capability.task-iam-role-network-host"
MEMBER_OF = re.compile(r"^\s*ec2InstanceId\s*(==|in)\s*(.+?)\s*$")


TASK_ENI = "ecs.capability.task-eni"


def required_attributes(task_definition) -> list[str]:
    """What ECS requires of an instance for this task definition: the task-role part, and task-eni for awsvpc."""
    network = [TASK_ENI] if task_definition.network_mode == "awsvpc" else []
    if not getattr(task_definition, "task_role_arn", None):
        return network
    if task_definition.network_mode == "host":
        return [TASK_IAM_ROLE, TASK_IAM_ROLE_NETWORK_HOST]
    return [TASK_IAM_ROLE, *network]


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
        denial = moto_pass_role.pass_role_denial(self, passed, "ecs-tasks.amazonaws.com")
        if denial:
            raise denial
    refusal = task_role_refusal(self.current_account, self.region, role_arn)
    if refusal:
        raise refusal
    candidates = [
        i for i in backend.container_instances.get(cluster.name, {}).values() if i.status == "ACTIVE" and i.agent_connected
    ]
    for constraint in self._get_param("placementConstraints") or []:
        if constraint.get("type") == "memberOf":
            candidates = [i for i in candidates if member_of(i, constraint.get("expression", ""))]
    required = required_attributes(task_definition)
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
def submit_task_state_change(self):
    backend = self.ecs_backend
    cluster_name = _cluster_name(self)
    task_id = _last_segment(self._get_param("task"))
    task = next(t for arn, t in backend.tasks.get(cluster_name, {}).items() if arn.endswith(task_id))
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
                    key = _last_segment(arn)
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


def _is_task_poll(self) -> bool:
    return str(self.headers.get("X-Amz-Target", "")).endswith((".ListTasks", ".DescribeTasks"))


def _polled_ids(self) -> list[str] | None:
    """What a task poll asks about (task or container instance ids); None: any task of the region."""
    try:
        params = json.loads(self.body or "{}")
    except ValueError:
        return None
    target = str(self.headers.get("X-Amz-Target", ""))
    if target.endswith(".DescribeTasks") and isinstance(params.get("tasks"), list):
        return [_last_segment(str(task)) for task in params["tasks"]]
    if target.endswith(".ListTasks") and params.get("containerInstance"):
        return [_last_segment(str(params["containerInstance"]))]
    return None


def _changed_since(known: str, ids: list[str] | None) -> bool:
    if not known.isdigit():
        return True
    if ids is None:
        return _generation > int(known)
    return any(_changed_at.get(key, _forgotten_up_to) > int(known) for key in ids)


def _task_poll(self):
    known = self.headers.get(KNOWN_GENERATION)
    with _task_changes:
        if known is not None:
            ids = _polled_ids(self)
            _task_changes.wait_for(lambda: _changed_since(known, ids), timeout=TASK_POLL_WAIT_SECONDS)
        generation = _generation
    status, headers, body = _as_json_auth_error(self, *_call_action(self))
    return status, {**headers, GENERATION: str(generation)}, body


# --- EC2: an instance launched without security groups gets its VPC's default group. -----------------------
# moto leaves its SecurityGroups empty; EC2 puts the default group there, and the harness hands an awsvpc
# task's ENI the instance's groups.
_run_instances = InstanceBackend.run_instances


def run_instances(self, image_id, count, user_data, security_group_names, **kwargs):
    if not security_group_names and not kwargs.get("security_group_ids"):
        default_group = self.get_default_security_group()
        if default_group is not None:
            kwargs["security_group_ids"] = [default_group.id]
    return _run_instances(self, image_id, count, user_data, security_group_names, **kwargs)


InstanceBackend.run_instances = run_instances


# --- EC2: RebootInstances reaches the lab's host. ----------------------------------------------------------
# moto only notes the state; the data plane reboots the simulated host when this tag's count grows.
REBOOTS_TAG = "ecs-taskrole-lab:reboots"
_reboot = Instance.reboot


def reboot(self):
    _reboot(self)
    self.lab_reboots = getattr(self, "lab_reboots", 0) + 1
    self.ec2_backend.create_tags([self.id], {REBOOTS_TAG: str(self.lab_reboots)})


Instance.reboot = reboot


# --- EC2: GetConsoleOutput answers with the console the instance printed. ----------------------------------
# moto answers every instance with one fixed sample. The lab's data plane keeps each instance's console (its
# boot, the user data's output, service starts) in ECS_TASKROLE_LAB_CONSOLE_DIR/<instance id>.log; EC2 returns
# at most the last 64 KB of an instance's console, base64-encoded, and no Output while it has none.
CONSOLE_DIR = os.environ.get("ECS_TASKROLE_LAB_CONSOLE_DIR")
CONSOLE_OUTPUT_MAX_BYTES = 64 * 1024
_get_console_output = General.get_console_output


def get_console_output(self):
    if not CONSOLE_DIR:
        return _get_console_output(self)
    instance = self.ec2_backend.get_instance(self._get_param("InstanceId"))
    result = {"InstanceId": instance.id, "Timestamp": utcnow()}
    try:
        with open(os.path.join(CONSOLE_DIR, f"{instance.id}.log"), "rb") as console:
            size = console.seek(0, os.SEEK_END)
            console.seek(max(0, size - CONSOLE_OUTPUT_MAX_BYTES))
            output = console.read()
    except FileNotFoundError:
        output = b""  # not booted (yet) on this machine
    if output:
        result["Output"] = Base64EncodedString.from_encoded_bytes(base64.b64encode(output))
    return ActionResult(result)


General.get_console_output = get_console_output


def _cluster_name(self) -> str:
    return _last_segment(self._get_param("cluster", "default"))


def _last_segment(arn: str) -> str:
    return arn.rsplit("/", 1)[-1]


# --- Speed, not behaviour: what every request paid for nothing. ------------------------------------------------
# moto finds a request's service under one lock shared by all requests, and lists and stats its own package
# folder (about 150 entries) to do it; the answer for a host never changes. The access log wrote one line per
# request through a lock of its own; nothing reads it (start-up errors still reach the log). Measured: 4 callers
# side by side waited about twice as long per request with both.
_moto_modules = frozenset(moto_backends.list_of_moto_modules())
moto_backends.list_of_moto_modules = lambda: _moto_modules
_get_backend_for_host = DomainDispatcherApplication.get_backend_for_host
_backend_for_host: dict = {}


def get_backend_for_host(self, host):
    if host not in _backend_for_host:
        _backend_for_host[host] = _get_backend_for_host(self, host)
    return _backend_for_host[host]


DomainDispatcherApplication.get_backend_for_host = get_backend_for_host
logging.getLogger("werkzeug").setLevel(logging.WARNING)


if __name__ == "__main__":
    host, port = sys.argv[1], sys.argv[2]
    main(["-H", host, "-p", port])
