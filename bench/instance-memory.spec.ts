import { expect, test } from '@playwright/test';
import { assignInstances, type ProcessSample, sumByInstance } from './instance-memory.ts';

const ROOT_NS = 1;
const INSTANCE_A = 11;
const INSTANCE_B = 12;
const TASK_NS = 21;
const instances = new Map([
  [INSTANCE_A, 'etr1234-i-aaaa'],
  [INSTANCE_B, 'etr1234-i-bbbb'],
]);
const MB = 1024 * 1024;
const proc = (pid: number, ppid: number, netns: number, command: string, mb: number): ProcessSample => ({
  pid,
  ppid,
  netns,
  command,
  rssBytes: mb * MB,
  cpuTicks: 0,
});

test('a real-agent instance: its engine, agent container and tasks, the shims found by namespace although init adopted them', () => {
  const processes = [
    proc(100, 1, ROOT_NS, 'node /x/lab/data-plane/daemon.js', 90),
    proc(200, 100, INSTANCE_A, '/usr/sbin/dockerd --data-root=/run/e/data', 60),
    proc(201, 200, INSTANCE_A, 'containerd --config /run/e/x/containerd/containerd.toml', 30),
    proc(202, 200, INSTANCE_A, '/usr/sbin/iptables -t nat -L', 1),
    // Shims re-parented to init, in the instance's namespace (containerd's).
    proc(300, 1, INSTANCE_A, '/usr/bin/containerd-shim-runc-v2 -namespace moby -id a', 8),
    proc(301, 300, INSTANCE_A, '/agent', 40),
    proc(310, 1, INSTANCE_A, '/usr/bin/containerd-shim-runc-v2 -namespace moby -id b', 8),
    // A bridge task: its own namespace, still its instance's.
    proc(311, 310, TASK_NS, '/usr/bin/python3 /usr/bin/aws sts get-caller-identity', 50),
    proc(312, 311, TASK_NS, 'sleep 1', 1),
    // Another lab's or the machine's processes stay out.
    proc(400, 1, ROOT_NS, '/usr/bin/containerd-shim-runc-v2 -namespace moby -id c', 8),
  ];
  const assigned = assignInstances(processes, instances);
  expect([...assigned.keys()].sort()).toEqual([200, 201, 202, 300, 301, 310, 311, 312]);
  expect(sumByInstance(processes, assigned)).toEqual(
    new Map([['etr1234-i-aaaa', { agent: 40 * MB, engine: 107 * MB, tasks: 51 * MB, host: 0 }]]),
  );
});

test("a model instance: its agent process and what it started, each instance's apart, the host's services as host", () => {
  const processes = [
    proc(100, 1, ROOT_NS, 'node /x/lab/data-plane/daemon.js', 90),
    proc(500, 100, INSTANCE_A, '/usr/bin/node /run/ecs-taskrole-lab/etr1234/agent-main.mjs', 70),
    proc(501, 500, TASK_NS, '/usr/bin/unshare --pid --mount --fork -- aws sts get-caller-identity', 1),
    proc(502, 501, TASK_NS, '/usr/bin/python3 /usr/bin/aws sts get-caller-identity', 45),
    proc(600, 100, INSTANCE_B, '/usr/bin/node /run/ecs-taskrole-lab/etr1234/agent-main.mjs', 65),
    proc(601, 100, INSTANCE_B, '/usr/sbin/sshd -D', 5),
  ];
  const sums = sumByInstance(processes, assignInstances(processes, instances));
  expect(sums.get('etr1234-i-aaaa')).toEqual({ agent: 70 * MB, engine: 0, tasks: 46 * MB, host: 0 });
  expect(sums.get('etr1234-i-bbbb')).toEqual({ agent: 65 * MB, engine: 0, tasks: 0, host: 5 * MB });
});
