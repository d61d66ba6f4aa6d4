"""A task as ACS hands it to the ECS agent (PayloadMessage's Task shape, `ecs-agent/acs/model/api/api-2.json`),
with the role credentials ECS assumed for it.

The agent takes each container's Docker options from `dockerConfig` (JSON for Docker's create call: `config`
and `hostConfig`); ECS puts a task definition's logConfiguration, memoryReservation, user and working
directory there. What is converted is what the conformance suite's task definitions use; the rest of a
container definition (secrets, dependsOn, health checks, ulimits, linux parameters, firelens) is not sent
(docs/lab-differences.md). An awsvpc task carries its ENI (`elasticNetworkInterfaces`), the one moto made for
it at RunTask.
"""

import ipaddress
import json
import uuid
from datetime import timezone

from moto.ec2.models import ec2_backends
from moto.iam.models import iam_backends
from moto.sts.models import sts_backends
from moto.utilities.utils import get_partition

from lab_ecs import task_role_refusal
from lab_task_push import last_segment

# ECS hands a task credentials that last about as long as STS's default session (the lab's choice; ECS
# does not document it) and refreshes them before they expire (lab_acs.py).
CREDENTIALS_SECONDS = 3600
TASK_APPLICATION, TASK_EXECUTION = "TaskApplication", "TaskExecution"
MIB = 1024 * 1024


def role_arns(task, task_definition) -> dict[str, str]:
    """The roles ECS assumes for the task, by ACS role type: the overrides' or the task definition's."""
    overrides = task.overrides or {}
    arns = {
        TASK_APPLICATION: overrides.get("taskRoleArn") or getattr(task_definition, "task_role_arn", None),
        TASK_EXECUTION: overrides.get("executionRoleArn") or getattr(task_definition, "execution_role_arn", None),
    }
    return {role_type: arn for role_type, arn in arns.items() if arn}


def assume_as_ecs(account_id: str, region: str, role_arn: str, task_arn: str) -> dict | None:
    """The role's credentials as ECS gets them (ecs-tasks.amazonaws.com, session name the task id), in ACS's
    IAMRoleCredentials shape; None when its trust policy does not admit ECS (RunTask refused it already, but
    a role can change after)."""
    if task_role_refusal(account_id, region, role_arn) is not None:
        return None
    iam_backends[account_id][get_partition(region)].get_role_by_arn(role_arn)
    sts = sts_backends[account_id][get_partition(region)]
    assumed = sts.assume_role(
        region_name=region,
        role_session_name=last_segment(task_arn),
        role_arn=role_arn,
        policy=None,
        duration=CREDENTIALS_SECONDS,
        external_id=None,
    )
    return {
        "credentialsId": str(uuid.uuid4()),
        "roleArn": role_arn,
        "accessKeyId": assumed.access_key_id,
        "secretAccessKey": assumed.secret_access_key,
        "sessionToken": assumed.session_token,
        "expiration": assumed.expiration.replace(tzinfo=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def _named(items) -> dict[str, str]:
    return {item["name"]: item.get("value", "") for item in items or [] if "name" in item}


def _log_options(definition: dict, task_id: str, logs_endpoint: str | None) -> dict:
    """Docker's awslogs driver knows no `awslogs-stream-prefix`: ECS turns it into the stream it names,
    `prefix/container-name/task-id` (ECS developer guide, "Using the awslogs log driver"). The lab adds
    `awslogs-endpoint`, which ECS never sends: on EC2 the driver finds CloudWatch Logs at its regional https
    name, which the lab has neither DNS nor TLS for; here it is this control plane, at the address the agent
    reached it by (docs/lab-differences.md, "awslogs endpoint")."""
    log = definition.get("logConfiguration") or {}
    options = dict(log.get("options") or {})
    prefix = options.pop("awslogs-stream-prefix", None)
    if log.get("logDriver") == "awslogs" and prefix and "awslogs-stream" not in options:
        options["awslogs-stream"] = f"{prefix}/{definition['name']}/{task_id}"
    if log.get("logDriver") == "awslogs" and logs_endpoint:
        options.setdefault("awslogs-endpoint", logs_endpoint)
    return options


def _docker_config(definition: dict, task_id: str, logs_endpoint: str | None) -> dict:
    config, host_config = {}, {}
    if definition.get("user"):
        config["User"] = definition["user"]
    if definition.get("workingDirectory"):
        config["WorkingDir"] = definition["workingDirectory"]
    log = definition.get("logConfiguration")
    if log:
        host_config["LogConfig"] = {
            "Type": log.get("logDriver"),
            "Config": _log_options(definition, task_id, logs_endpoint),
        }
    if definition.get("memoryReservation"):
        host_config["MemoryReservation"] = int(definition["memoryReservation"]) * MIB
    if definition.get("privileged"):
        host_config["Privileged"] = True
    return {"config": json.dumps(config), "hostConfig": json.dumps(host_config), "version": "1.17"}


def acs_container(
    definition: dict, override: dict, execution_role: bool, task_id: str, logs_endpoint: str | None = None
) -> dict:
    environment = {**_named(definition.get("environment")), **_named(override.get("environment"))}
    container = {
        "name": definition["name"],
        "image": definition.get("image"),
        "cpu": int(override.get("cpu") or definition.get("cpu") or 0),
        "essential": definition.get("essential", True),
        "environment": environment,
        "command": override.get("command") or definition.get("command") or [],
        "entryPoint": definition.get("entryPoint") or [],
        "links": definition.get("links") or [],
        "portMappings": [
            {key: mapping[key] for key in ("containerPort", "hostPort", "protocol") if key in mapping}
            for mapping in definition.get("portMappings") or []
        ],
        "mountPoints": definition.get("mountPoints") or [],
        "volumesFrom": definition.get("volumesFrom") or [],
        "dockerConfig": _docker_config(definition, task_id, logs_endpoint),
    }
    memory = override.get("memory") or definition.get("memory")
    if memory:
        container["memory"] = int(memory)
    if execution_role and (definition.get("logConfiguration") or {}).get("logDriver") == "awslogs":
        # The agent then ships the container's logs with the execution role (its credentials endpoint).
        container["logsAuthStrategy"] = "ExecutionRole"
    return container


def acs_enis(task) -> list[dict]:
    """The task's ENI as ACS's ElasticNetworkInterface (`ecs-agent/acs/model/ecsacs/api.go`): the agent needs
    its id, MAC, IPv4 addresses and the subnet gateway as `address/prefix` (ValidateENI in
    `ecs-agent/netlib/model/networkinterface/networkinterface.go`), taken from moto's attachment and subnet."""
    enis = []
    for attachment in task.attachments or []:
        if attachment.get("type") != "ElasticNetworkInterface":
            continue
        details = {d["name"]: d["value"] for d in attachment.get("details") or []}
        subnet = ec2_backends[task._account_id][task.region_name].get_subnet(details["subnetId"])
        network = ipaddress.ip_network(subnet.cidr_block)
        arn_prefix = task.task_arn.split(":task/")[0]
        enis.append(
            {
                "attachmentArn": f"{arn_prefix}:attachment/{attachment['id']}",
                "ec2Id": details["networkInterfaceId"],
                "macAddress": details["macAddress"],
                "ipv4Addresses": [{"primary": True, "privateAddress": details["privateIPv4Address"]}],
                "subnetGatewayIpv4Address": f"{network.network_address + 1}/{network.prefixlen}",
                "privateDnsName": details["privateDnsName"],
            }
        )
    return enis


def acs_task(
    task, task_definition, desired_status: str, credentials: dict[str, dict], logs_endpoint: str | None = None
) -> dict:
    """The Task of a PayloadMessage; `credentials`: IAMRoleCredentials by role type (none after STOPPED);
    `logs_endpoint`: where the instance reaches this control plane's CloudWatch Logs."""
    overrides = {o.get("name"): o for o in (task.overrides or {}).get("containerOverrides") or []}
    execution_role = TASK_EXECUTION in credentials
    acs = {
        "arn": task.task_arn,
        "taskClusterArn": task.cluster_arn,
        "family": task_definition.family,
        "version": str(task_definition.revision),
        "desiredStatus": desired_status,
        "taskDefinitionAccountId": task_definition.arn.split(":")[4],
        "launchType": "EC2",
        "networkMode": task_definition.network_mode,
        "containers": [
            acs_container(
                d, overrides.get(d.get("name"), {}), execution_role, last_segment(task.task_arn), logs_endpoint
            )
            for d in task_definition.container_definitions or []
        ],
        "volumes": [
            {"name": v["name"], "type": "host", "host": {"sourcePath": (v.get("host") or {}).get("sourcePath", "")}}
            for v in task_definition.volumes or []
            if "name" in v
        ],
    }
    if task_definition.network_mode == "awsvpc":
        acs["elasticNetworkInterfaces"] = acs_enis(task)
    if getattr(task_definition, "cpu", None):
        acs["cpu"] = float(task_definition.cpu)
    if getattr(task_definition, "memory", None):
        acs["memory"] = int(task_definition.memory)
    if TASK_APPLICATION in credentials:
        acs["roleCredentials"] = credentials[TASK_APPLICATION]
    if execution_role:
        acs["executionRoleCredentials"] = credentials[TASK_EXECUTION]
    return acs
