import { CREDENTIALS_ENDPOINT_ADDRESS } from '../network/addresses.ts';
import type { CommandResult } from '../network/commands.ts';

/**
 * ecs-init's host setup around the agent (aws/amazon-ecs-agent ecs-init/engine/engine.go PreStart/PostStop,
 * ecs-init/exec/iptables/iptables.go, ecs-init/exec/sysctl): on every `ecs` start it enables route_localnet
 * and adds the credentials-endpoint rules; after stop it restores route_localnet and deletes them.
 */
type Exec = (file: string, args: readonly string[]) => Promise<CommandResult>;

const CREDENTIALS_PORT = '51679';
const INTROSPECTION_PORT = '51678';
/** The loopback interface and Docker's bridge, as ecs-init resolves them (NewNetfilterRoute). */
const LOOPBACK = 'lo';
const DOCKER_BRIDGE = 'docker0';

interface Rule {
  table: 'nat' | 'filter';
  add: '-A' | '-I';
  spec: string[];
  /** A failure to add it fails PreStart (every rule of the current ecs-init; a failure message names it). */
  required: boolean;
  /** What ecs-init's error says when adding it fails. */
  failure?: string;
}

function rules(env: Record<string, string>): Rule[] {
  const list: Rule[] = [
    {
      table: 'nat',
      add: '-A',
      spec: ['PREROUTING', '-p', 'tcp', '-d', CREDENTIALS_ENDPOINT_ADDRESS, '--dport', '80', '-j', 'DNAT'].concat([
        '--to-destination',
        `127.0.0.1:${CREDENTIALS_PORT}`,
      ]),
      required: true,
    },
  ];
  if (!goBool(env.ECS_SKIP_LOCALHOST_TRAFFIC_FILTER)) {
    list.push({
      table: 'filter',
      add: '-I',
      spec: ['INPUT', '--dst', '127.0.0.0/8', '!', '--src', '127.0.0.0/8', '-m', 'conntrack'].concat([
        '!',
        '--ctstate',
        'RELATED,ESTABLISHED,DNAT',
        '-j',
        'DROP',
      ]),
      required: true,
    });
  }
  if (!goBool(env.ECS_ALLOW_OFFHOST_INTROSPECTION_ACCESS)) {
    // Every connection to the introspection server but loopback's is dropped; Docker's bridge is then
    // accepted, inserted after so it sits above the drop (iptables.go Create).
    list.push(
      {
        table: 'filter',
        add: '-I',
        spec: ['INPUT', '-p', 'tcp', '--dport', INTROSPECTION_PORT, '!', '-i', LOOPBACK, '-j', 'DROP'],
        required: true,
        failure: 'error adding input chain entry to block offhost introspection access',
      },
      {
        table: 'filter',
        add: '-I',
        spec: ['INPUT', '-p', 'tcp', '--dport', INTROSPECTION_PORT, '-i', DOCKER_BRIDGE, '-j', 'ACCEPT'],
        required: true,
        failure: `error adding input chain entry to allow ${DOCKER_BRIDGE} access to introspection server`,
      },
    );
  }
  list.push({
    table: 'nat',
    add: '-A',
    spec: ['OUTPUT', '-p', 'tcp', '-d', CREDENTIALS_ENDPOINT_ADDRESS, '--dport', '80', '-j', 'REDIRECT'].concat([
      '--to-ports',
      CREDENTIALS_PORT,
    ]),
    required: true,
  });
  return list;
}

/** Go's strconv.ParseBool as ecs-init uses it: unparsable or empty means false. */
function goBool(value: string | undefined): boolean {
  return value !== undefined && ['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value);
}

/** PreStart: returns the log lines; throws when a required step fails (the agent does not start). */
export async function ecsInitPreStart(exec: Exec, env: Record<string, string>): Promise<string[]> {
  const log: string[] = [];
  const sysctl = await exec('sysctl', ['-w', 'net.ipv4.conf.all.route_localnet=1']);
  if (sysctl.exitCode !== 0) throw new Error(`could not enable loopback routing: ${sysctl.stderr.trim()}`);
  log.push('ecs-init: net.ipv4.conf.all.route_localnet=1');
  for (const rule of rules(env)) {
    const args = ['-t', rule.table, rule.add, ...rule.spec];
    const result = await exec('iptables', args);
    if (result.exitCode !== 0) {
      throw new Error(`${rule.failure ?? 'could not create route to the credentials proxy'}: ${result.stderr.trim()}`);
    }
    log.push(`ecs-init: iptables ${args.join(' ')}`);
  }
  return log;
}

/** PostStop: route_localnet back to its default and the rules deleted; errors ignored like ecs-init does. */
export async function ecsInitPostStop(exec: Exec, env: Record<string, string>): Promise<string[]> {
  const log: string[] = [];
  await exec('sysctl', ['-w', 'net.ipv4.conf.all.route_localnet=0']);
  log.push('ecs-init: net.ipv4.conf.all.route_localnet=0');
  const all = rules({ ...env, ECS_ALLOW_OFFHOST_INTROSPECTION_ACCESS: 'false' });
  for (const rule of all) {
    const args = ['-t', rule.table, '-D', ...rule.spec];
    const result = await exec('iptables', args);
    log.push(`ecs-init: iptables ${args.join(' ')}${result.exitCode === 0 ? '' : ' (not present)'}`);
  }
  return log;
}
