"""moto's admin API (/moto-api/*) answers only to the lab that started it.

moto serves it without credentials, and `reset-auth` switches IAM enforcement off: any local user could then
launch an instance with their own user data, which the data plane runs as root. A request to it must carry
the header below equal to the token `lab up` generated (ECS_TASKROLE_LAB_ADMIN_TOKEN in this process's
environment, readable by its owner only; kept in the lab's 0600 state file); any other gets 403. Without a
token every admin request is refused. Nothing AWS serves lives under /moto-api: AWS behaviour is unchanged.
"""

import hmac
import os
import re

from moto.moto_server.werkzeug_app import DomainDispatcherApplication

ADMIN_HEADER = "HTTP_X_ECS_TASKROLE_LAB_ADMIN"  # x-ecs-taskrole-lab-admin, as WSGI names it
_token = os.environ.get("ECS_TASKROLE_LAB_ADMIN_TOKEN", "").encode()
_dispatch = DomainDispatcherApplication.__call__


def _is_admin_path(path):
    # "//moto-api/..." must not slip past: collapse repeated slashes as a router might.
    return re.sub(r"/+", "/", "/" + path).startswith("/moto-api")


def _authorised(environ):
    given = environ.get(ADMIN_HEADER, "").encode()
    return bool(_token) and hmac.compare_digest(given, _token)


def guarded_call(self, environ, start_response):
    if _is_admin_path(environ.get("PATH_INFO", "")) and not _authorised(environ):
        start_response("403 Forbidden", [("Content-Type", "text/plain")])
        return [b"the lab's moto admin API needs the lab's admin token\n"]
    return _dispatch(self, environ, start_response)


DomainDispatcherApplication.__call__ = guarded_call
