import { expect, test } from '@playwright/test';
import type { CommandResult } from '../network/commands.ts';
import { ecsInitPostStop, ecsInitPreStart } from './ecs-init.ts';

/** Records the commands ecs-init runs; `failing` makes commands containing that text fail. */
function recorder(failing?: string) {
  const calls: string[] = [];
  const exec = async (file: string, args: readonly string[]): Promise<CommandResult> => {
    const line = [file, ...args].join(' ');
    calls.push(line);
    const failed = failing !== undefined && line.includes(failing);
    return { stdout: '', stderr: failed ? 'iptables: failed' : '', exitCode: failed ? 1 : 0 };
  };
  return { calls, exec };
}

const DNAT =
  'iptables -t nat -A PREROUTING -p tcp -d 169.254.170.2 --dport 80 -j DNAT --to-destination 127.0.0.1:51679';
const LOCALHOST_FILTER =
  'iptables -t filter -I INPUT --dst 127.0.0.0/8 ! --src 127.0.0.0/8 -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP';
const INTROSPECTION = 'iptables -t filter -I INPUT -p tcp --dport 51678 ! -i lo -j DROP';
const INTROSPECTION_DOCKER = 'iptables -t filter -I INPUT -p tcp --dport 51678 -i docker0 -j ACCEPT';
const REDIRECT = 'iptables -t nat -A OUTPUT -p tcp -d 169.254.170.2 --dport 80 -j REDIRECT --to-ports 51679';

test('pre-start: route_localnet, then the rules in ecs-init order', async () => {
  const { calls, exec } = recorder();
  await ecsInitPreStart(exec, {});
  expect(calls).toEqual([
    'sysctl -w net.ipv4.conf.all.route_localnet=1',
    DNAT,
    LOCALHOST_FILTER,
    INTROSPECTION,
    INTROSPECTION_DOCKER,
    REDIRECT,
  ]);
});

test('pre-start honours ECS_SKIP_LOCALHOST_TRAFFIC_FILTER, ECS_ALLOW_OFFHOST_INTROSPECTION_ACCESS, the interface name', async () => {
  const skipped = recorder();
  await ecsInitPreStart(skipped.exec, {
    ECS_SKIP_LOCALHOST_TRAFFIC_FILTER: 'true',
    ECS_ALLOW_OFFHOST_INTROSPECTION_ACCESS: '1',
  });
  expect(skipped.calls).toEqual(['sysctl -w net.ipv4.conf.all.route_localnet=1', DNAT, REDIRECT]);
  const unparsable = recorder();
  await ecsInitPreStart(unparsable.exec, { ECS_SKIP_LOCALHOST_TRAFFIC_FILTER: 'yes' });
  expect(unparsable.calls).toContain(LOCALHOST_FILTER);
  expect(unparsable.calls).toContain(INTROSPECTION);
});

test('pre-start fails when any rule fails, the introspection rules included (current ecs-init)', async () => {
  await expect(ecsInitPreStart(recorder('PREROUTING').exec, {})).rejects.toThrow('could not create route');
  await expect(ecsInitPreStart(recorder('! -i lo').exec, {})).rejects.toThrow('block offhost introspection access');
  await expect(ecsInitPreStart(recorder('-i docker0').exec, {})).rejects.toThrow('allow docker0 access');
});

test('post-stop: route_localnet 0 and every rule deleted, failures ignored', async () => {
  const { calls, exec } = recorder('-D');
  await ecsInitPostStop(exec, { ECS_ALLOW_OFFHOST_INTROSPECTION_ACCESS: 'true' });
  expect(calls).toEqual([
    'sysctl -w net.ipv4.conf.all.route_localnet=0',
    DNAT.replace(' -A ', ' -D '),
    LOCALHOST_FILTER.replace(' -I ', ' -D '),
    INTROSPECTION.replace(' -I ', ' -D '),
    INTROSPECTION_DOCKER.replace(' -I ', ' -D '),
    REDIRECT.replace(' -A ', ' -D '),
  ]);
});
