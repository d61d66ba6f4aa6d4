"""moto's server with the lab's fixes: what makes moto behave like AWS for ecs-taskrole-conformance.

Each fix closes one measured gap (docs/lab-differences.md) at the spot where moto decides, so every client
in a task (SDK v3, AWS CLI v1/v2, aws-sdk v2) sees it. The fixes live in the lab_*.py modules beside this
file, one concern each, and take effect when imported. This folder is the only Python in the package.
Started by moto-process.ts:

    python moto_lab.py HOST PORT [LAB_DIR]

LAB_DIR is not read: it names the lab a process belongs to in `ps`.

Environment: ECS_TASKROLE_LAB_SERVICES, a JSON object {"<IAM user name>": "<service principal>"}: the
lab's stand-ins for AWS services (the ECS service assuming task roles, EC2 serving instance profiles);
ECS_TASKROLE_LAB_CONSOLE_DIR, where the data plane keeps the instances' consoles (GetConsoleOutput);
ECS_TASKROLE_LAB_ADMIN_TOKEN, what a /moto-api/* request must carry (lab_admin.py);
ECS_TASKROLE_LAB_HOLDERS, what holds the lab (lab_watchdog.py: moto ends once nothing does).
"""

import sys

import moto

if moto.__version__.split(".")[0] != "5":
    sys.exit(f"moto {moto.__version__} is not supported by the lab; install moto 5: pip install 'moto[server]>=5,<6'")

from moto.server import main  # noqa: E402
from werkzeug.serving import WSGIRequestHandler  # noqa: E402

import lab_admin  # noqa: E402, F401  (/moto-api/* only with the lab's admin token)
import lab_responses  # noqa: E402, F401  (every request: JSON auth errors, the task polls' wait, speed)
import lab_policy  # noqa: E402, F401  (trust policies with Service principals; resources moto cannot name)
import lab_pass_role  # noqa: E402, F401  (iam:PassRole where AWS checks it)
import lab_instance_identity  # noqa: E402, F401  (which EC2 instance a caller is: its instance-role session)
import lab_ecs  # noqa: E402, F401  (registration, RunTask, DeleteCluster, SubmitTaskStateChange)
import lab_task_push  # noqa: E402, F401  (ECS task polls that wait for a change)
import lab_ec2  # noqa: E402, F401  (default security groups, reboots, consoles)
import lab_state_changes  # noqa: E402, F401  (SubmitContainerStateChange, SubmitAttachmentStateChanges)
import lab_acs  # noqa: E402, F401  (DiscoverPollEndpoint, ACS and TCS websockets for the real ECS agent)
import lab_watchdog  # noqa: E402, F401  (ends moto once nothing holds the lab: lab/system/lab-holders.ts)
import lab_websocket  # noqa: E402  (the connections' idle timeout, below)

# Every connection is a thread of werkzeug's server: one that sends nothing (an idle websocket handshake, a
# keep-alive connection left open) is closed after this long instead of holding its thread forever. Only
# reads and writes wait on it: a task poll that waits for a change (lab_task_push.py) is not cut short.
WSGIRequestHandler.timeout = lab_websocket.IDLE_TIMEOUT_SECONDS

if __name__ == "__main__":
    host, port = sys.argv[1], sys.argv[2]
    main(["-H", host, "-p", port])
