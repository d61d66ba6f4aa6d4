"""iam:PassRole: AWS checks that the caller may pass a role wherever one is handed to a
service; moto never does.

Checked where AWS checks it: RunTask (the task role and the execution role, passed to
ecs-tasks.amazonaws.com; lab_ecs.py's run_task asks `pass_role_denial`), RunInstances (the instance
profile's role, passed to ec2.amazonaws.com) and AddRoleToInstanceProfile (no iam:PassedToService; the API
reference requires PassRole there). The caller's identity policies are evaluated against the role's ARN,
so a policy that scopes PassRole to other roles or services is refused in the lab as on AWS.
"""

from fnmatch import fnmatchcase

from moto import settings
from moto.core.authorization import ActionAuthenticatorMixin
from moto.core.exceptions import AccessDeniedError
from moto.ec2.responses.instances import InstanceResponse
from moto.iam import access_control
from moto.iam.exceptions import NotFoundException
from moto.iam.models import iam_backends
from moto.iam.responses import IamResponse
from moto.utilities.utils import get_partition

from lab_policy import as_list, decision, statements_of

NO_ALLOW = "because no identity-based policy allows the iam:PassRole action"
EXPLICIT_DENY = "with an explicit deny in an identity-based policy"

# The context keys the lab supplies; a condition on any other key holds (moto passes no request context).
PASSED_TO_SERVICE = "iam:passedtoservice"
STRING_TESTS = {
    "StringEquals": lambda wanted, value: wanted == value,
    "StringLike": lambda wanted, value: fnmatchcase(value, wanted),
}


class PassRoleDenied(AccessDeniedError):
    """AccessDenied (403) with AWS's text; ECS's JSON form comes from lab_responses.py's auth-error rewrite."""

    def __init__(self, code: str, message: str):
        super(AccessDeniedError, self).__init__(code, message)


def _enforcing() -> bool:
    """The lab switches IAM enforcement on once its identities exist (moto-api/reset-auth)."""
    return ActionAuthenticatorMixin.request_count >= settings.INITIAL_NO_AUTH_ACTION_COUNT


def _matches(patterns, value: str) -> bool:
    return any(fnmatchcase(value, pattern) for pattern in as_list(patterns))


def _names_pass_role(patterns) -> bool:
    """Action names are case-insensitive in IAM ("iam:passrole" grants it too); ARNs are not."""
    return any(fnmatchcase("iam:passrole", str(pattern).lower()) for pattern in as_list(patterns))


def _conditions_hold(conditions, context: dict) -> bool:
    """String operators on iam:PassedToService, with IfExists; a missing key fails a plain operator, as in AWS."""
    for operator, keys in (conditions or {}).items():
        if_exists = operator.endswith("IfExists")
        test = STRING_TESTS.get(operator.removesuffix("IfExists"))
        for key, wanted in keys.items():
            if key.lower() != PASSED_TO_SERVICE or test is None:
                continue  # not evaluated: docs/lab-differences.md
            value = context.get(PASSED_TO_SERVICE)
            if value is None:
                if if_exists:
                    continue
                return False
            if not any(test(candidate, value) for candidate in as_list(wanted)):
                return False
    return True


def _applies(statement: dict, role_arn: str, context: dict) -> bool:
    if "Action" in statement:
        concerned = _names_pass_role(statement["Action"])
    else:
        concerned = not _names_pass_role(statement.get("NotAction"))
    if "Resource" in statement:
        in_scope = _matches(statement["Resource"], role_arn)
    else:
        in_scope = not _matches(statement.get("NotResource"), role_arn)
    return concerned and in_scope and _conditions_hold(statement.get("Condition"), context)


def pass_role_denial(response, role_arn: str, service: str | None, code: str = "AccessDenied"):
    """The error for this caller passing `role_arn` to `service`, or None when its policies allow it."""
    if not role_arn or not _enforcing():
        return None
    request = access_control.IAMRequest(
        account_id=response.current_account,
        method=response.method,
        path=response.path,
        data=response.data,
        body=response.raw_body,
        headers=response.headers,
        action="PassRole",
    )
    caller = request._access_key
    context = {PASSED_TO_SERVICE: service} if service else {}
    statements = [statement for policy in caller.collect_policies() for statement in statements_of(policy)]
    verdict = decision(statements, lambda statement: _applies(statement, role_arn, context))
    if verdict == "Allow":
        return None
    return _denied(code, _arn_of(caller), role_arn, EXPLICIT_DENY if verdict == "Deny" else NO_ALLOW)


def _arn_of(caller) -> str:
    """AWS names a user with its path; moto's access key drops it."""
    if isinstance(caller, access_control.IAMUserAccessKey):
        return caller.backend.get_user(caller._owner_user_name).arn
    return caller.arn


def _denied(code: str, caller_arn: str, role_arn: str, why: str) -> PassRoleDenied:
    text = f"User: {caller_arn} is not authorized to perform: iam:PassRole on resource: {role_arn} {why}"
    if code == "UnauthorizedOperation":
        text = f"You are not authorized to perform this operation. {text}"
    return PassRoleDenied(code, text)


# --- RunInstances: the instance profile's role is passed to EC2. -------------------------------------------
_run_instances = InstanceResponse.run_instances


def run_instances(self):
    name = self._get_param("IamInstanceProfile.Name")
    arn = self._get_param("IamInstanceProfile.Arn")
    if name or arn:
        backend = iam_backends[self.current_account][get_partition(self.region)]
        try:
            profile = backend.get_instance_profile_by_arn(arn) if arn else backend.get_instance_profile(name)
        except NotFoundException:
            profile = None  # moto's own RunInstances answers for a profile that does not exist
        for role in profile.roles if profile else []:
            denial = pass_role_denial(self, role.arn, "ec2.amazonaws.com", code="UnauthorizedOperation")
            if denial:
                raise denial
    return _run_instances(self)


InstanceResponse.run_instances = run_instances


# --- AddRoleToInstanceProfile: the caller needs PassRole on the role. --------------------------------------
_add_role_to_instance_profile = IamResponse.add_role_to_instance_profile


def add_role_to_instance_profile(self):
    backend = iam_backends[self.current_account][get_partition(self.region)]
    try:
        role_arn = backend.get_role(self._get_param("RoleName")).arn
    except NotFoundException:
        role_arn = None  # moto's own answer for a role that does not exist
    denial = pass_role_denial(self, role_arn, None)
    if denial:
        raise denial
    return _add_role_to_instance_profile(self)


IamResponse.add_role_to_instance_profile = add_role_to_instance_profile
