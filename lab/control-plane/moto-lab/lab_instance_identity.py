"""Which EC2 instance a caller is: the instance-role session EC2 delivered to it through IMDS.

On AWS an instance profile's credentials are bound to their instance (the session is named after the
instance id and carries ec2:SourceInstanceARN); ECS takes an agent's identity from them and from the
instance identity document, which AWS signs. The lab's IMDS serves no signature (LAB-UNSIGNED), so the
lab binds the other way: a session counts as an instance's only when the lab's EC2 stand-in (the IAM user
ECS_TASKROLE_LAB_SERVICES maps to ec2.amazonaws.com) assumed it, and the instance is its session name. Any
other caller picking a session name `i-…` is no instance. RegisterContainerInstance, the agent's state
reports and the ACS/TCS handshakes use it (docs/lab-differences.md).
"""

from moto.ecs.exceptions import ECSException
from moto.iam.models import get_account_id_from, iam_backends
from moto.sts.models import sts_backends
from moto.sts.responses import TokenResponse
from moto.utilities.utils import get_partition

from lab_policy import SERVICES

EC2_SERVICE = "ec2.amazonaws.com"
_assume_role = TokenResponse.assume_role


def _is_ec2_stand_in(access_key_id: str, account_id: str, partition: str) -> bool:
    user = iam_backends[account_id][partition].get_user_from_access_key_id(access_key_id)
    return user is not None and SERVICES.get(user.name) == EC2_SERVICE


def assume_role(self):
    """AssumeRole, and when the lab's EC2 stand-in is the caller, the session is that instance's."""
    result = _assume_role(self)
    caller = self.get_access_key()
    if _is_ec2_stand_in(caller, get_account_id_from(caller), get_partition(self.region)):
        assumed = result.result["Credentials"]
        assumed.lab_ec2_instance = assumed.session_name
    return result


TokenResponse.assume_role = assume_role


def caller_instance(access_key_id: str, region: str) -> str | None:
    """The EC2 instance id whose instance-role session signed the request, or None (a user, a task role, …)."""
    account_id = get_account_id_from(access_key_id)
    assumed = sts_backends[account_id][get_partition(region)].get_assumed_role_from_access_key(access_key_id)
    return getattr(assumed, "lab_ec2_instance", None)


def not_the_instance(action: str, caller: str | None, instance_id: str) -> ECSException:
    who = f"the instance role session of {caller}" if caller else "a caller that is not an EC2 instance's role session"
    return ECSException(
        "AccessDeniedException",
        f"{action} for EC2 instance {instance_id} was signed by {who}: only that instance's own instance-role "
        "credentials (from its IMDS) may act for it",
    )


def require_instance(response, action: str, instance_id: str) -> None:
    """Refuses a request (an ECS response handler's) not signed by `instance_id`'s own instance-role session."""
    caller = caller_instance(response.get_access_key(), response.region)
    if caller != instance_id:
        raise not_the_instance(action, caller, instance_id)
