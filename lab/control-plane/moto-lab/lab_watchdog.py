"""The lab's moto ends itself once nothing holds it: a killed run, spec or `lab up` must not leave it running.

The rule is lab/system/lab-holders.ts's, read from the same JSON value in ECS_TASKROLE_LAB_HOLDERS
({labDir, leasesDir, processes: [{pid, startTicks}], pidFile}): moto is held while the lab is kept until
`lab down` (the file kept-until-lab-down in the lab's folder), one of its holder processes runs, or a run's
lease (`<leasesDir>/lease-<pid>`, holding that process's start: lab/system/lease-files.ts) names a running
process; and never once its own pid file no longer names it. A process is its pid and its start (clock ticks
after boot, field 22 of /proc/<pid>/stat): a pid the kernel gave to another process since holds nothing.
Checked every 2 s by a daemon thread; without the variable (moto started by hand) nothing is watched.
"""

import json
import os
import sys
import threading
import time

INTERVAL_S = 2.0
KEPT_FILE = "kept-until-lab-down"


def start_ticks(pid):
    """The start of the process with this pid (clock ticks after boot), or None when there is none."""
    try:
        with open(f"/proc/{int(pid)}/stat", encoding="utf-8", errors="replace") as file:
            stat = file.read()
    except (OSError, ValueError):
        return None
    # Field 22 (starttime), counted after the ")" that closes the command name (which may hold spaces and ")").
    fields = stat[stat.rfind(")") + 2 :].split(" ")
    return int(fields[19]) if len(fields) > 19 and fields[19].isdigit() else None


def _runs(process):
    """True while the very process named runs: its pid exists and started when it did."""
    ticks = start_ticks(process["pid"])
    return ticks is not None and ticks == process["startTicks"]


def _live_leases(leases_dir):
    try:
        names = os.listdir(leases_dir)
    except OSError:
        return []
    live = []
    for name in names:
        pid = name[len("lease-") :]
        if not name.startswith("lease-") or not pid.isdigit():
            continue
        try:
            with open(os.path.join(leases_dir, name), encoding="utf-8") as file:
                ticks = file.read().strip()
        except OSError:
            continue
        if ticks.isdigit() and _runs({"pid": int(pid), "startTicks": int(ticks)}):
            live.append(int(pid))
    return live


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
    if any(_runs(process) for process in holders["processes"]) or _live_leases(holders["leasesDir"]):
        return None
    return "its holders are gone and no run holds a lease"


def _watch(holders):
    while True:
        time.sleep(INTERVAL_S)
        try:
            reason = orphaned_reason(holders)
        except Exception as error:  # a malformed holder must not end the watch silently: say so, go on
            print(f"moto-lab: watchdog: {error!r}", file=sys.stderr, flush=True)
            continue
        if reason is not None:
            print(f"moto-lab: ending: {reason}", file=sys.stderr, flush=True)
            # Its state lives in memory only: nothing to flush or save.
            os._exit(0)


_holders = os.environ.get("ECS_TASKROLE_LAB_HOLDERS")
if _holders:
    threading.Thread(target=_watch, args=(json.loads(_holders),), name="lab-watchdog", daemon=True).start()
