import { setTimeout as sleep } from 'node:timers/promises';
import { processAlive } from '../../../infra/system/process-alive.ts';
import { run } from './commands.ts';

/** Creates a network namespace with loopback up and IPv6 off (the lab is IPv4 only). */
export async function createNetns(name: string): Promise<void> {
  await run('ip', ['netns', 'add', name]);
  await run('ip', ['-n', name, 'link', 'set', 'lo', 'up']);
  await run('nsenter', [`--net=/run/netns/${name}`, '--', 'sysctl', '-qw', 'net.ipv6.conf.all.disable_ipv6=1']);
  await run('nsenter', [`--net=/run/netns/${name}`, '--', 'sysctl', '-qw', 'net.ipv6.conf.default.disable_ipv6=1']);
}

export async function listNetns(): Promise<string[]> {
  const { stdout } = await run('ip', ['netns', 'list'], { allowFailure: true });
  return stdout
    .split('\n')
    .map((line) => line.trim().split(/\s+/)[0] ?? '')
    .filter((name) => name.length > 0);
}

/** Process ids living in a namespace (`ip netns pids`); empty when it is gone. */
export async function netnsPids(name: string): Promise<number[]> {
  const { stdout } = await run('ip', ['netns', 'pids', name], { allowFailure: true });
  return stdout
    .split('\n')
    .map((line) => Number(line.trim()))
    .filter((pid) => Number.isInteger(pid) && pid > 0);
}

/** Kills these processes (TERM, then KILL after graceMs) and waits until they are gone. */
export async function killProcesses(pids: readonly number[], graceMs = 1500): Promise<void> {
  const signal = (pid: number, sig: NodeJS.Signals) => {
    try {
      process.kill(pid, sig);
    } catch {
      // already gone
    }
  };
  for (const pid of pids) signal(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  let remaining = pids.filter(processAlive);
  while (remaining.length > 0 && Date.now() < deadline) {
    await sleep(25);
    remaining = remaining.filter(processAlive);
  }
  for (const pid of remaining) signal(pid, 'SIGKILL');
  while (remaining.length > 0) {
    await sleep(10);
    remaining = remaining.filter(processAlive);
  }
}

/**
 * Removes a namespace: kills every process in it first (a process or an open socket keeps a deleted
 * namespace, and its veth, alive). Idempotent.
 */
export async function deleteNetns(name: string): Promise<void> {
  for (let round = 0; round < 3; round += 1) {
    const pids = await netnsPids(name);
    if (pids.length === 0) break;
    await killProcesses(pids);
  }
  await run('ip', ['netns', 'delete', name], { allowFailure: true });
}

export async function linkExists(name: string, netns?: string): Promise<boolean> {
  const args = netns ? ['-n', netns, 'link', 'show', name] : ['link', 'show', name];
  const { exitCode } = await run('ip', args, { allowFailure: true });
  return exitCode === 0;
}

/** Names of links in the root namespace (without the `@peer` suffix). */
export async function listRootLinks(): Promise<string[]> {
  const { stdout } = await run('ip', ['-o', 'link', 'show'], { allowFailure: true });
  return stdout
    .split('\n')
    .map((line) => /^\d+:\s+([^:@\s]+)/.exec(line)?.[1] ?? '')
    .filter((name) => name.length > 0);
}
