"""The lab's moto ends itself once nothing holds it: a killed run, spec or `lab up` must not leave it running.

The rule is lab/system/lab-holders.ts's, read from the same JSON value in ECS_TASKROLE_LAB_HOLDERS
({labDir, leasesDir, pids, pidFile}): moto is held while the lab is kept until `lab down` (the file
kept-until-lab-down in the lab's folder), one of its holder pids is alive, or a run's lease
(`<leasesDir>/lease-<pid>`) names a live pid; and never once its own pid file no longer names it. Checked every
2 s by a daemon thread; without the variable (moto started by hand) nothing is watched.
"""

import json
import os
import sys
import threading
import time

INTERVAL_S = 2.0
KEPT_FILE = "kept-until-lab-down"


def _alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except PermissionError:
        return True
    except (ProcessLookupError, OverflowError, ValueError):
        return False


def _live_leases(leases_dir):
    try:
        names = os.listdir(leases_dir)
    except OSError:
        return []
    pids = [name[len("lease-") :] for name in names if name.startswith("lease-")]
    return [int(pid) for pid in pids if pid.isdigit() and _alive(int(pid))]


def orphaned_reason(holders):
    try:
        with open(holders["pidFile"], encoding="utf-8") as file:
            recorded = file.read().strip()
    except OSError:
        recorded = None
    if recorded != str(os.getpid()):
        return f"its pid file {holders['pidFile']} no longer names it"
    if os.path.exists(os.path.join(holders["labDir"], KEPT_FILE)):
        return None
    if any(_alive(pid) for pid in holders["pids"]) or _live_leases(holders["leasesDir"]):
        return None
    return "its holders are gone and no run holds a lease"


def _watch(holders):
    while True:
        time.sleep(INTERVAL_S)
        reason = orphaned_reason(holders)
        if reason is not None:
            print(f"moto-lab: ending: {reason}", file=sys.stderr, flush=True)
            # Its state lives in memory only: nothing to flush or save.
            os._exit(0)


_holders = os.environ.get("ECS_TASKROLE_LAB_HOLDERS")
if _holders:
    threading.Thread(target=_watch, args=(json.loads(_holders),), name="lab-watchdog", daemon=True).start()
