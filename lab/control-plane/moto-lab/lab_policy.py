"""IAM policy evaluation where moto falls short: trust policies with a Service principal, and statements
scoped to resources moto cannot name."""

import json
import os

from moto.iam import access_control
from moto.iam.utils import format_incoming_conditional_values

# {"<IAM user name>": "<service principal>"}: the lab's stand-ins for AWS services (set by lab up).
SERVICES: dict[str, str] = json.loads(os.environ.get("ECS_TASKROLE_LAB_SERVICES", "{}"))


def as_list(value):
    """A policy element that may be one value or a list, as a list."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


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


def decision(statements, applies) -> str | None:
    """AWS's combination of policy statements: "Deny" if one that applies denies (an explicit Deny wins),
    else "Allow" if one that applies allows, else None (an implicit deny)."""
    allowed = False
    for statement in statements:
        if not applies(statement):
            continue
        if statement.get("Effect") == "Deny":
            return "Deny"
        allowed = True
    return "Allow" if allowed else None


def statements_of(policy) -> list:
    """A policy's statements, from a document (JSON text) or one of moto's policy objects."""
    return as_list(access_control.IAMPolicy(policy)._policy_json.get("Statement"))


def trust_allows(policy_document: str, caller: str, action: str, values: dict) -> bool:
    """A trust policy admits `caller`; a statement for another principal does not apply (moto treats it as a
    Deny, and lets a Deny without Resource allow)."""

    def applies(raw: dict) -> bool:
        statement = access_control.IAMPolicyStatement(raw)
        return (
            "Action" in raw
            and statement._check_element_matches("Action", action)
            and statement._check_principal(caller)
            and statement._check_conditions(values)
        )

    return decision(statements_of(policy_document), applies) == "Allow"


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
