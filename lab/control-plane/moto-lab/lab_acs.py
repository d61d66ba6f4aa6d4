"""ACS and TCS for the real ECS agent: DiscoverPollEndpoint, then the agent's two websockets, as its own source
speaks them (`ecs-agent/acs/`, `ecs-agent/tcs/`, `ecs-agent/wsclient/` of amazon-ecs-agent).

- DiscoverPollEndpoint answers with the address the agent reached ECS at, over http, so the agent dials
  `ws://…/ws?clusterArn=…&containerInstanceArn=…` (ACS) and `ws://…/tcs/ws?cluster=…` (TCS) on this server.
- The upgrade is SigV4-signed by the agent (service `ecs`); it is verified with the lab's IAM like any other
  request, and the caller needs `ecs:Poll` (ACS) or `ecs:StartTelemetrySession` (TCS). A refusal is HTTP
  403 with the body the agent decodes, `{"AccessDeniedException": "…"}`; an unknown container instance is
  400 `InvalidInstanceException`, a deregistered one `InactiveInstanceException`.
- ACS: every task placed on the container instance reaches it in a PayloadMessage (desired RUNNING, with
  the task and execution roles' credentials ECS assumed, lab_acs_task.py), again with desired STOPPED
  after StopTask, until the agent acks it (AckRequest); credentials are refreshed with an
  IAMRoleCredentialsMessage before they expire; a HeartbeatMessage every HEARTBEAT_SECONDS (the agent drops
  a connection silent for 1–2 minutes). A task change (RunTask, StopTask) wakes the session at once.
- TCS: each Publish*Request is acknowledged; a HeartbeatMessage every HEARTBEAT_SECONDS.
While an ACS session is open the container instance's agentConnected is true; once the last one closes it is
false (RunTask places nothing there), as on ECS.
"""

import json
import sys
import threading
import time
import uuid
from datetime import datetime, timezone
from urllib.parse import parse_qs, parse_qsl, quote, urlencode

from moto import settings
from moto.core.authorization import ActionAuthenticatorMixin
from moto.ecs.models import ecs_backends
from moto.ecs.responses import EC2ContainerServiceResponse
from moto.core.responses import ActionResult
from moto.iam.access_control import IAMRequest
from moto.iam.models import get_account_id_from
from moto.moto_server.werkzeug_app import DomainDispatcherApplication
from werkzeug.wrappers import Request

import lab_task_push
from lab_acs_task import acs_task, assume_as_ecs, role_arns
from lab_instance_identity import caller_instance, not_the_instance
from lab_task_push import last_segment
from lab_websocket import WebSocket, is_upgrade

ACS_PATH, TCS_PATH = "/ws", "/tcs/ws"
HEARTBEAT_SECONDS = 30.0
# What the agent sends ACS is acks (a few hundred bytes); TCS takes WebSocket's default cap (metrics).
ACS_MAX_MESSAGE_BYTES = 64 * 1024
# Refresh a task's credentials this long before they expire (the agent serves them until then).
REFRESH_BEFORE_EXPIRY_SECONDS = 15 * 60


class Refusal(Exception):
    """The handshake is answered with `status` and ACS's one-key error body instead of an upgrade."""

    def __init__(self, status: str, error_type: str, message: str):
        super().__init__(message)
        self.status, self.error_type, self.message = status, error_type, message


# --- DiscoverPollEndpoint: where the agent opens ACS and TCS. -------------------------------------------------
def discover_poll_endpoint(self):
    base = f"http://{self.headers.get('Host')}"
    return ActionResult({"endpoint": base, "telemetryEndpoint": f"{base}/tcs", "serviceConnectEndpoint": base})


EC2ContainerServiceResponse.discover_poll_endpoint = discover_poll_endpoint


# --- The handshake: the caller's signature and permission, then the container instance. ----------------------
def _enforcing() -> bool:
    return ActionAuthenticatorMixin.request_count >= settings.INITIAL_NO_AUTH_ACTION_COUNT


def canonical_query(query: str) -> str:
    """The query as SigV4 canonicalises it (RFC 3986 escapes: a space is %20): moto's signer takes the URL's
    query as it stands, and the agent's (Go's url.Values) writes a space as '+'."""
    pairs = parse_qsl(query, keep_blank_values=True)
    return "?" + urlencode(pairs, quote_via=quote, safe="-_.~") if pairs else ""


MAX_CLOCK_SKEW_SECONDS = 300


def _credential_scope(authorization: str) -> list[str]:
    """`Credential=KEY/date/region/service/aws4_request`, its five parts, or a Refusal: the service is the
    client's to write, and moto would check the action against whatever it names."""
    scope = authorization.split("Credential=", 1)[1].split(",", 1)[0].strip().split("/")
    if len(scope) != 5 or scope[3] != "ecs" or scope[4] != "aws4_request":
        raise Refusal("403 Forbidden", "AccessDeniedException", "Credential should be scoped to the ecs service")
    return scope


def _check_fresh(headers: dict) -> None:
    """A signature older (or newer) than the skew AWS allows is refused: a captured upgrade cannot be replayed."""
    stamp = headers.get("X-Amz-Date", "")
    try:
        signed_at = datetime.strptime(stamp, "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc)
    except ValueError:
        raise Refusal("403 Forbidden", "AccessDeniedException", "Missing or malformed X-Amz-Date") from None
    if abs((datetime.now(timezone.utc) - signed_at).total_seconds()) > MAX_CLOCK_SKEW_SECONDS:
        raise Refusal("403 Forbidden", "InvalidSignatureException", "Signature expired")


def authorise(environ, action: str) -> tuple[str, str, str | None]:
    """The caller's (account, region, EC2 instance: "" if none, None if IAM is not enforced) once its signature
    and `ecs:<action>` hold, else a Refusal."""
    request = Request(environ)
    headers = dict(request.headers)
    authorization = headers.get("Authorization", "")
    if "Credential=" not in authorization:
        raise Refusal("403 Forbidden", "AccessDeniedException", "Missing Authentication Token")
    access_key, _date, region, _service, _terminator = _credential_scope(authorization)
    account_id = get_account_id_from(access_key)
    if not _enforcing():
        return account_id, region, None
    _check_fresh(headers)
    path = environ.get("PATH_INFO", "") + canonical_query(environ.get("QUERY_STRING", ""))
    try:
        iam_request = IAMRequest(account_id, "GET", path, {}, b"", headers, action)
        iam_request.check_signature()
        iam_request.check_action_permitted("*")
    except Exception as error:  # moto's auth errors (signature, unknown key, access denied)
        message = getattr(error, "message", None) or str(error)
        raise Refusal("403 Forbidden", "AccessDeniedException", message) from None
    return account_id, region, caller_instance(access_key, region) or ""


def _check_caller_is(instance, caller: str | None) -> None:
    """Only the instance's own instance-role session (lab_instance_identity.py) opens its sessions: another
    instance's role, a task role or a user gets none of this one's tasks. `caller` None: IAM not enforced."""
    if caller is not None and caller != instance.ec2_instance_id:
        refusal = not_the_instance("Poll", caller, instance.ec2_instance_id)
        raise Refusal("403 Forbidden", "AccessDeniedException", refusal.message)


def container_instance_of(backend, cluster_ref: str, instance_ref: str):
    cluster_name = last_segment(cluster_ref or "default")
    if cluster_name not in backend.clusters:
        raise Refusal("400 Bad Request", "InvalidClusterException", f"Cluster not found: {cluster_ref}")
    instance = backend.container_instances.get(cluster_name, {}).get(last_segment(instance_ref or ""))
    if instance is None:
        raise Refusal("400 Bad Request", "InvalidInstanceException", f"Container instance not found: {instance_ref}")
    if instance.status not in ("ACTIVE", "DRAINING"):
        raise Refusal("400 Bad Request", "InactiveInstanceException", f"Container instance is inactive: {instance_ref}")
    return backend.clusters[cluster_name], instance


def _refuse(start_response, refusal: Refusal):
    body = json.dumps({refusal.error_type: refusal.message}).encode()
    start_response(refusal.status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


# --- ACS: one session per connection. --------------------------------------------------------------------------
def _now() -> float:
    return time.time()


def _expires_at(credentials: dict) -> float:
    return datetime.strptime(credentials["expiration"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc).timestamp()


class AcsSession:
    """Delivers the container instance's tasks until the connection closes."""

    def __init__(self, ws: WebSocket, backend, cluster, instance, account_id: str, region: str, endpoint: str):
        self.ws, self.backend, self.cluster, self.instance = ws, backend, cluster, instance
        self.account_id, self.region = account_id, region
        self.endpoint = endpoint  # this control plane as the agent reached it (its awslogs endpoint too)
        self.connection = str(uuid.uuid4())
        self.pending: dict[str, list] = {}  # messageId -> [(task, desired status)]
        self.next_heartbeat = _now()

    def run(self) -> None:
        _connected(self.instance, +1)
        reader = threading.Thread(target=self._read, name="lab-acs-reader", daemon=True)
        reader.start()
        try:
            while not self.ws.closed.is_set():
                seen = lab_task_push._generation  # read first: a change while sending wakes the wait below
                self._deliver_tasks()
                self._refresh_credentials()
                self._heartbeat()
                with lab_task_push._task_changes:
                    lab_task_push._task_changes.wait_for(
                        lambda: lab_task_push._generation != seen or self.ws.closed.is_set(),
                        timeout=max(0.05, self.next_heartbeat - _now()),
                    )
        except OSError:
            pass  # the agent went away mid-send
        finally:
            self.ws.close()
            _connected(self.instance, -1)

    def _send(self, message_type: str, message: dict) -> None:
        self.ws.send(json.dumps({"type": message_type, "message": message}))

    def _heartbeat(self) -> None:
        if _now() >= self.next_heartbeat:
            self._send("HeartbeatMessage", {"healthy": True, "messageId": str(uuid.uuid4())})
            self.next_heartbeat = _now() + HEARTBEAT_SECONDS

    def _my_tasks(self):
        arn = self.instance.container_instance_arn
        return [t for t in list(self.backend.tasks.get(self.cluster.name, {}).values()) if t.container_instance_arn == arn]

    def _deliver_tasks(self) -> None:
        for task in self._my_tasks():
            state = _acs_state(task)
            desired = task.desired_status
            if state["acked"] == desired or state["sent"] == (self.connection, desired):
                continue
            if desired == "STOPPED" and state["acked"] is None and state["sent"] is None:
                continue  # stopped before the agent ever heard of it: nothing to stop
            if state["unrenderable"] == desired:
                continue  # logged once; a new desired status tries again
            try:
                self._send_payload(task, desired, state)
            except OSError:
                raise  # the connection's, not the task's: the session ends
            except Exception as error:  # one task ACS cannot render must not cost the agent the others
                state["unrenderable"] = desired
                _log_task_failure("deliver", task, error)

    def _send_payload(self, task, desired: str, state: dict) -> None:
        task_definition = self.backend.describe_task_definition(task.task_definition_arn)
        if desired == "RUNNING" and not state["credentials"]:
            for role_type, arn in role_arns(task, task_definition).items():
                credentials = assume_as_ecs(self.account_id, self.region, arn, task.task_arn)
                if credentials:
                    state["credentials"][role_type] = credentials
        credentials = state["credentials"] if desired == "RUNNING" else {}
        # Rendered before any state changes: it may raise.
        rendered = acs_task(task, task_definition, desired, credentials, self.endpoint)
        message_id = str(uuid.uuid4())
        self.instance.lab_acs_seq = getattr(self.instance, "lab_acs_seq", 0) + 1
        self.pending[message_id] = [(task, desired)]
        state["sent"] = (self.connection, desired)
        self._send(
            "PayloadMessage",
            {
                "clusterArn": self.cluster.arn,
                "containerInstanceArn": self.instance.container_instance_arn,
                "messageId": message_id,
                "seqNum": self.instance.lab_acs_seq,
                "generatedAt": int(_now()),
                "tasks": [rendered],
            },
        )

    def _refresh_credentials(self) -> None:
        for task in self._my_tasks():
            state = _acs_state(task)
            if task.desired_status != "RUNNING" or state["acked"] != "RUNNING":
                continue
            try:
                self._refresh_task(task, state)
            except OSError:
                raise
            except Exception as error:  # as in _deliver_tasks: this task only (retried at the next wake)
                _log_task_failure("refresh the credentials of", task, error)

    def _refresh_task(self, task, state: dict) -> None:
        for role_type, old in list(state["credentials"].items()):
            if _expires_at(old) - _now() > REFRESH_BEFORE_EXPIRY_SECONDS:
                continue
            fresh = assume_as_ecs(self.account_id, self.region, old["roleArn"], task.task_arn)
            if not fresh:
                continue  # ECS can no longer assume it: the task keeps what it has until expiry
            state["credentials"][role_type] = fresh
            message = {
                "taskArn": task.task_arn,
                "taskClusterArn": task.cluster_arn,
                "roleCredentials": fresh,
                "roleType": role_type,
                "messageId": str(uuid.uuid4()),
            }
            self._send("IAMRoleCredentialsMessage", message)

    def _read(self) -> None:
        while True:
            text = self.ws.receive()
            if text is None:
                break
            self._on_message(text)
        with lab_task_push._task_changes:
            lab_task_push._task_changes.notify_all()  # the writer ends at once

    def _on_message(self, text: str) -> None:
        try:
            received = json.loads(text)
        except ValueError:
            return
        if received.get("type") == "AckRequest":
            for task, desired in self.pending.pop((received.get("message") or {}).get("messageId"), []):
                _acs_state(task)["acked"] = desired
        # HeartbeatAckRequest, IAMRoleCredentialsAckRequest: nothing waits for them (docs/lab-differences.md).


def _acs_state(task) -> dict:
    """What ACS knows of a task: the desired status last sent (on which connection) and acked, its credentials,
    and the desired status it could not render (lab_acs_task.py raised)."""
    if not hasattr(task, "lab_acs"):
        task.lab_acs = {"sent": None, "acked": None, "credentials": {}, "unrenderable": None}
    return task.lab_acs


def _log_task_failure(what: str, task, error: Exception) -> None:
    # moto's log (the lab's moto.log); the agent gets every other task of its instance.
    print(f"lab ACS: could not {what} task {task.task_arn}: {type(error).__name__}: {error}", file=sys.stderr, flush=True)


_connections_lock = threading.Lock()


def _connected(instance, change: int) -> None:
    with _connections_lock:
        instance.lab_acs_connections = getattr(instance, "lab_acs_connections", 0) + change
        instance.agent_connected = instance.lab_acs_connections > 0


# --- TCS: telemetry is acknowledged and dropped. -----------------------------------------------------------------
TCS_ACKS = {
    "PublishMetricsRequest": "AckPublishMetric",
    "PublishHealthRequest": "AckPublishHealth",
    "PublishInstanceStatusRequest": "AckPublishInstanceStatus",
}


def tcs_session(ws: WebSocket) -> None:
    def heartbeats():
        while not ws.closed.wait(HEARTBEAT_SECONDS):
            try:
                ws.send(json.dumps({"type": "HeartbeatMessage", "message": {"healthy": True}}))
            except OSError:
                return

    threading.Thread(target=heartbeats, name="lab-tcs-heartbeat", daemon=True).start()
    while (text := ws.receive()) is not None:
        try:
            ack = TCS_ACKS.get(json.loads(text).get("type"))
        except ValueError:
            ack = None
        if ack:
            ws.send(json.dumps({"type": ack, "message": {"message": "ok"}}))


# --- Routing: the two websocket paths before moto's dispatcher. --------------------------------------------------
def _open_acs(environ, start_response):
    account_id, region, caller = authorise(environ, "Poll")
    query = {key: values[0] for key, values in parse_qs(environ.get("QUERY_STRING", "")).items()}
    backend = ecs_backends[account_id][region]
    cluster, instance = container_instance_of(backend, query.get("clusterArn"), query.get("containerInstanceArn"))
    _check_caller_is(instance, caller)
    _record_versions(instance, query)
    endpoint = f"http://{environ.get('HTTP_HOST', '')}"
    session = AcsSession(
        WebSocket.accept(environ, ACS_MAX_MESSAGE_BYTES), backend, cluster, instance, account_id, region, endpoint
    )
    session.run()


# The agent names its versions in the ACS URL (ecs-agent/acs/session: agentVersion, agentHash, dockerVersion),
# not in RegisterContainerInstance: DescribeContainerInstances' versionInfo shows what it last connected with.
_VERSION_KEYS = {"agentVersion": "agentVersion", "agentHash": "agentHash", "dockerVersion": "dockerVersion"}


def _record_versions(instance, query: dict) -> None:
    named = {field: query[key][:200] for key, field in _VERSION_KEYS.items() if query.get(key)}
    if named:
        instance.version_info = {**(instance.version_info or {}), **named}


def _open_tcs(environ, start_response):
    account_id, region, caller = authorise(environ, "StartTelemetrySession")
    query = {key: values[0] for key, values in parse_qs(environ.get("QUERY_STRING", "")).items()}
    _, instance = container_instance_of(
        ecs_backends[account_id][region], query.get("cluster"), query.get("containerInstance")
    )
    _check_caller_is(instance, caller)
    tcs_session(WebSocket.accept(environ))


SESSIONS = {ACS_PATH: _open_acs, TCS_PATH: _open_tcs}
_dispatch = DomainDispatcherApplication.__call__


def dispatch(self, environ, start_response):
    session = SESSIONS.get(environ.get("PATH_INFO", ""))
    if session is None or not is_upgrade(environ):
        return _dispatch(self, environ, start_response)
    try:
        session(environ, start_response)
    except Refusal as refusal:
        return _refuse(start_response, refusal)
    # The connection was the websocket's: werkzeug must not write a response on it (it takes a dropped
    # connection quietly).
    raise ConnectionError("websocket session ended")


DomainDispatcherApplication.__call__ = dispatch
