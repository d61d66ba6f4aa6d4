"""EC2 as the lab needs it: default security groups, reboots that reach the data plane, the consoles it
keeps, and the internal error that ends an instance the lab could not start."""

import base64
import os

from moto.core.responses import ActionResult
from moto.core.types import Base64EncodedString
from moto.core.utils import utcnow
from moto.ec2.models.instances import Instance, InstanceBackend, StateReason
from moto.ec2.responses.general import General


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


# --- EC2: an instance the lab could not start ends with EC2's internal error. ---------------------------------
# When EC2 cannot give an instance what its launch promised, it terminates it with the state reason
# Server.InternalError ("Server.InternalError: Internal error on launch"). The lab's data plane does the same
# when it fails to give an instance what its AMI comes with (the real agent's engine seed): it writes why
# into CONSOLE_DIR/<instance id>.launch-error, then terminates the instance as the EC2 stand-in
# (lab/data-plane/fleet/internal-error.ts). moto's own reason would say the user shut it down; this one says
# what EC2 would, and the lab's explanation in parentheses (AWS gives none: docs/lab-differences.md).
LAUNCH_ERROR_SUFFIX = ".launch-error"
LAUNCH_ERROR_MAX_BYTES = 2048
_terminate = Instance.terminate


def _launch_error(instance_id):
    if not CONSOLE_DIR:
        return None
    try:
        with open(os.path.join(CONSOLE_DIR, f"{instance_id}{LAUNCH_ERROR_SUFFIX}"), "rb") as explanation:
            return explanation.read(LAUNCH_ERROR_MAX_BYTES).decode("utf-8", errors="replace").strip()
    except FileNotFoundError:
        return None


def terminate(self):
    previous = _terminate(self)
    explanation = _launch_error(self.id)
    if explanation is not None:
        code = "Server.InternalError"
        self._reason = code
        self.state_reason = StateReason(f"{code}: Internal error on launch ({explanation})", code)
    return previous


Instance.terminate = terminate
