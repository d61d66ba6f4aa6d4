"""What every request goes through: AWS's JSON auth errors, the task polls' wait, and moto's per-request
costs that change no answer."""

import json
import logging
import re

from moto import backends as moto_backends
from moto.core.responses import BaseResponse
from moto.moto_server.werkzeug_app import DomainDispatcherApplication

from lab_task_push import is_task_poll, task_poll


# --- Auth failures on JSON-protocol services (ECS, Logs, SSM) come back as AWS's JSON errors. -----------
# moto renders them as XML; SDK v3 then throws a SyntaxError and "denied" / "bad signature" look alike.
JSON_AUTH_ERRORS = {
    "AccessDenied": "AccessDeniedException",
    "SignatureDoesNotMatch": "InvalidSignatureException",
    "InvalidClientTokenId": "UnrecognizedClientException",
}
_call_action = BaseResponse.call_action


def call_action(self):
    if is_task_poll(self):
        return task_poll(self, lambda: _as_json_auth_error(self, *_call_action(self)))
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
