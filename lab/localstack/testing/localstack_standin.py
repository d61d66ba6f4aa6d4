"""A stand-in for LocalStack's container, for localstack-container.spec.ts (never part of the package).

No registry reaches LocalStack's image where this project is tested, so the spec imports a root file system
holding this machine's Python with moto and runs this file as its entry point. It answers what the backend's
testcontainers path reads from a LocalStack container, and nothing more:

- port 4566 (LocalStack's edge port, which testcontainers' LocalStack module exposes and maps);
- the log line "Ready." once that port accepts connections (the module's wait strategy is a log line
  containing "Ready");
- GET /_localstack/health, naming each service of $SERVICES (as the backend sets it) "available" when moto
  serves it, "disabled" when not (start-localstack.ts refuses a LocalStack missing one);
- the AWS APIs, by moto's server, as a plain moto stands in for LocalStack at ECS_TASKROLE_LOCALSTACK_ENDPOINT
  (run-localstack.spec.ts): AWS managed policies loaded, ECS tasks left where the lab's agent puts them.

It is not LocalStack: none of LocalStack's own ECS, IAM enforcement or paid-tier code runs
(docs/lab-differences.md, "LocalStack backend").
"""

import json
import os
import signal
import sys

import moto
from moto.backend_index import backend_url_patterns
from moto.moto_api import state_manager
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import make_server

EDGE_PORT = 4566
HEALTH_PATH = "/_localstack/health"


def health_body() -> bytes:
    served = {name for name, _ in backend_url_patterns}
    wanted = [name for name in os.environ.get("SERVICES", "").split(",") if name]
    services = {name: "available" if name in served else "disabled" for name in wanted}
    return json.dumps({"services": services, "edition": f"stand-in (moto {moto.__version__})"}).encode()


def with_health(app):
    def serve(environ, start_response):
        if environ.get("PATH_INFO") == HEALTH_PATH:
            body = health_body()
            start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
            return [body]
        return app(environ, start_response)

    return serve


def main() -> None:
    # PID 1 of its container: without a handler SIGTERM is ignored and `docker stop` waits for its SIGKILL.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    state_manager.set_transition(model_name="ecs::task", transition={"progression": "manual", "times": 1_000_000})
    server = make_server("0.0.0.0", EDGE_PORT, with_health(DomainDispatcherApplication(create_backend_app)), threaded=True)
    # The socket is bound and listening: a client that saw this line is not refused.
    print("Ready.", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
