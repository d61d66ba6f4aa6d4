/**
 * Bridge mode wiring, as Docker's bridge driver does it: a veth pair whose host end joins the instance's
 * docker0 and whose other end is the task's eth0 with an address from the bridge subnet and a default
 * route via the bridge. Runs in the instance namespace (where the agent runs); the task end lives in the
 * namespace held by the task's PID, so it disappears with the task.
 */
import { randomBytes } from 'node:crypto';
import { execa } from 'execa';

export interface BridgeAttachment {
  bridge: string;
  address: string;
  prefixLength: number;
  gateway: string;
}

export async function attachToBridge(pid: number, attachment: BridgeAttachment): Promise<string> {
  return vethToBridge(pid, {
    bridge: attachment.bridge,
    device: 'eth0',
    address: attachment.address,
    prefixLength: attachment.prefixLength,
    routes: [`default via ${attachment.gateway}`],
  });
}

/** `ip -batch` in the network namespace of the task whose PID 1 is `pid`. */
export async function ipInTask(pid: number, commands: readonly string[]): Promise<void> {
  await execa('nsenter', [`--target=${pid}`, '--net', 'ip', '-batch', '-'], { input: `${commands.join('\n')}\n` });
}

/**
 * A veth pair from `bridge` (in the instance's namespace: the caller's own, or `hostNetns`) into the task's
 * namespace as `device`, up, with `address` and `routes` (`ip route add` arguments); its host end's name.
 */
export async function vethToBridge(
  pid: number,
  veth: { hostNetns?: string; bridge: string; device: string; address: string; prefixLength: number; routes: string[] },
): Promise<string> {
  const ip = (args: string[], options: { reject?: boolean; input?: string } = {}) =>
    execa('ip', veth.hostNetns ? ['-n', veth.hostNetns, ...args] : args, options);
  const hostEnd = `veth${randomBytes(4).toString('hex')}`;
  // One `ip` for the host side (a process less per task: spawns are most of a task's start).
  const hostSide = [
    `link add ${hostEnd} type veth peer name ${veth.device} netns ${pid}`,
    `link set ${hostEnd} master ${veth.bridge} up`,
  ];
  try {
    await ip(['-batch', '-'], { input: `${hostSide.join('\n')}\n` });
    await ipInTask(pid, [
      'link set lo up',
      `addr add ${veth.address}/${veth.prefixLength} dev ${veth.device}`,
      `link set ${veth.device} up`,
      ...veth.routes.map((route) => `route add ${route}`),
    ]);
  } catch (error) {
    await ip(['link', 'del', hostEnd], { reject: false });
    throw error;
  }
  return hostEnd;
}
