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
  const hostEnd = `veth${randomBytes(4).toString('hex')}`;
  await execa('ip', ['link', 'add', hostEnd, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', String(pid)]);
  try {
    await execa('ip', ['link', 'set', hostEnd, 'master', attachment.bridge, 'up']);
    const commands = [
      'link set lo up',
      `addr add ${attachment.address}/${attachment.prefixLength} dev eth0`,
      'link set eth0 up',
      `route add default via ${attachment.gateway}`,
    ];
    await execa('nsenter', [`--target=${pid}`, '--net', 'ip', '-batch', '-'], { input: `${commands.join('\n')}\n` });
  } catch (error) {
    await execa('ip', ['link', 'del', hostEnd], { reject: false });
    throw error;
  }
  return hostEnd;
}
