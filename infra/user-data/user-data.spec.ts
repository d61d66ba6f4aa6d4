import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { execa } from 'execa';
import { DEFAULT_BASELINE } from '../../core/matrix/dimensions.ts';
import { groupByInstance } from '../../core/matrix/instance-groups.ts';
import { expiryScript } from './expiry.ts';
import { userDataFor } from './user-data.ts';

const [group] = groupByInstance([{ id: 'baseline', dimensions: DEFAULT_BASELINE }]);
if (!group) throw new Error('no instance group');

/** The instance's clock in these runs (a `date` that prints it). */
const NOW = 1_800_000_000;

/** The expiry script the user data writes, run with a `shutdown` that only records its arguments. */
async function runExpiryScript(expiresAt: Date): Promise<string> {
  const userData = userDataFor(group as NonNullable<typeof group>, { cluster: 'c', expiresAt });
  // The script travels as the first base64 blob of the user data.
  const blob = /<<'BASE64'\n([\s\S]*?)\nBASE64\n/.exec(userData)?.[1];
  if (!blob) throw new Error('no expiry script in the user data');
  const script = Buffer.from(blob, 'base64').toString('utf8');
  expect(script).toBe(expiryScript(expiresAt));
  // The stand-ins below are found on PATH only if the script names the commands bare.
  expect(script).not.toMatch(/\/(shutdown|date)\b/);
  const dir = await mkdtemp(join(tmpdir(), 'etr-expire-'));
  try {
    await writeFile(join(dir, 'shutdown'), `#!/bin/sh\necho "$@" >> ${dir}/calls\n`);
    await writeFile(join(dir, 'date'), `#!/bin/sh\necho ${NOW}\n`);
    await chmod(join(dir, 'shutdown'), 0o755);
    await chmod(join(dir, 'date'), 0o755);
    await writeFile(join(dir, 'expire'), script);
    await execa('sh', [join(dir, 'expire')], { env: { PATH: `${dir}:/usr/bin:/bin` } });
    // sysvinit's shutdown goes to the background: wait for its record.
    for (let i = 0; i < 300; i += 1) {
      const calls = await readFile(join(dir, 'calls'), 'utf8').catch(() => '');
      if (calls) return calls.trim();
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return '';
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('the user data schedules a shutdown at the run expiry, before anything else it does', async () => {
  const userData = userDataFor(group, { cluster: 'c', expiresAt: new Date('2026-12-03T20:00:00Z') });
  expect(userData.indexOf('/var/lib/ecs-taskrole/expire')).toBeLessThan(userData.indexOf('/etc/ecs/ecs.config'));
  // After a reboot too: a systemd unit (AL2, AL2023) or rc.local (AL1).
  expect(userData).toContain('systemctl enable ecs-taskrole-expire.service');
  expect(userData).toContain('>> /etc/rc.d/rc.local');
});

test('the expiry script shuts down in the minutes left, rounded up, or at once when the expiry passed', async () => {
  expect(await runExpiryScript(new Date((NOW + 90 * 60 + 30) * 1000))).toBe('-h +91');
  expect(await runExpiryScript(new Date((NOW + 90 * 60) * 1000))).toBe('-h +90');
  expect(await runExpiryScript(new Date((NOW - 60) * 1000))).toBe('-h now');
});

test('plain AL2023: docker is installed and started before the agent container; saved rules go through the iptables service', () => {
  const plain = (hostRules: 'documented' | 'not-saved-rebooted' | 'documented-rebooted') => {
    const [plainGroup] = groupByInstance([
      { id: 'plain', dimensions: { ...DEFAULT_BASELINE, ami: 'al2023-plain', hostRules } },
    ]);
    if (!plainGroup) throw new Error('no instance group');
    return userDataFor(plainGroup, { cluster: 'c' }).split('\n');
  };
  const documented = plain('documented');
  const at = (line: string) => documented.indexOf(line);
  expect(at('dnf install -y docker')).toBeGreaterThan(0);
  // Not a blocking start from cloud-final: queued, then the script waits for dockerd to answer.
  expect(at('systemctl enable --now --no-block docker')).toBeGreaterThan(at('dnf install -y docker'));
  const wait = documented.findIndex((line) => line.includes('docker info'));
  expect(wait).toBeGreaterThan(at('systemctl enable --now --no-block docker'));
  expect(at('docker run --name ecs-agent \\')).toBeGreaterThan(wait);
  expect(at('dnf install -y iptables-services')).toBeGreaterThan(0);
  expect(at('iptables-save | tee /etc/sysconfig/iptables && systemctl enable --now iptables')).toBeGreaterThan(
    at('dnf install -y iptables-services'),
  );
  // documented-rebooted: the same save line (the harness then reboots to check it).
  const saveLines = (lines: string[]) => lines.filter((line) => /iptables|route_localnet/.test(line));
  expect(saveLines(plain('documented-rebooted'))).toEqual(saveLines(documented));
  // Not saved on purpose (the harness reboots to show the rules are gone): no iptables service either.
  const notSaved = plain('not-saved-rebooted');
  expect(notSaved).toContain('dnf install -y docker');
  expect(notSaved.join('\n')).not.toContain('iptables-services');
  // ECS-optimized AMIs have both already.
  expect(userDataFor(group, { cluster: 'c' })).not.toContain('dnf install');
});

test("the agent run by hand registers awslogs only if ecs.config says so: the plain AMI's does, as the manual install", async () => {
  const ecsConfigOf = (ami: 'al2023-plain' | 'al2023-ecs') => {
    const [amiGroup] = groupByInstance([{ id: ami, dimensions: { ...DEFAULT_BASELINE, ami } }]);
    if (!amiGroup) throw new Error('no instance group');
    const userData = userDataFor(amiGroup, { cluster: 'c' });
    // ecs.config is written from a base64 blob (script-text.ts): decoded here as `base64 -d` does.
    const blob = /base64 -d > '\/etc\/ecs\/ecs\.config' <<'BASE64'\n([\s\S]*?)\nBASE64\n/.exec(userData)?.[1] ?? '';
    return Buffer.from(blob.replace(/\n/g, ''), 'base64').toString('utf8');
  };
  // docker --env-file and the agent read the JSON as written (a base64 blob: no shell expansion).
  expect(ecsConfigOf('al2023-plain').split('\n')).toContain('ECS_AVAILABLE_LOGGING_DRIVERS=["json-file","awslogs"]');
  // ecs-init's default already has awslogs: the ECS-optimized AMI's ecs.config leaves it alone.
  expect(ecsConfigOf('al2023-ecs')).not.toContain('ECS_AVAILABLE_LOGGING_DRIVERS');
});

const userDataOf = (dimensions: Partial<typeof DEFAULT_BASELINE>) => {
  const [one] = groupByInstance([{ id: 'x', dimensions: { ...DEFAULT_BASELINE, ...dimensions } }]);
  if (!one) throw new Error('no instance group');
  return userDataFor(one, { cluster: 'c' });
};

test('hostFirewall: the hardened INPUT chain ends in policy DROP; on the plain AMI after docker brought iptables and before the rules are saved', () => {
  expect(userDataOf({})).not.toContain('INPUT DROP');
  const ecs = userDataOf({ hostFirewall: 'input-drop' });
  expect(ecs).toContain('iptables -P INPUT DROP');
  expect(ecs).not.toContain('--dport 51679 -j ACCEPT');
  expect(userDataOf({ hostFirewall: 'input-drop-agent-ports' })).toContain(
    'iptables -I INPUT -p tcp -d 127.0.0.1 --dport 51679 -j ACCEPT',
  );
  const plain = userDataOf({ ami: 'al2023-plain', hostFirewall: 'input-drop' });
  const drop = plain.indexOf('iptables -P INPUT DROP');
  expect(drop).toBeGreaterThan(plain.indexOf('dnf install -y docker'));
  expect(drop).toBeLessThan(plain.indexOf('iptables-save'));
});

test("afterBoot: inline after the plain AMI's agent container; on ECS AMIs a detached job waits for ecs-init's last rule", () => {
  const plain = userDataOf({ ami: 'al2023-plain', afterBoot: 'rules-flushed' });
  expect(plain.trimEnd().endsWith('iptables -t nat -F; iptables -t filter -F')).toBe(true);
  expect(plain.indexOf('iptables -t nat -F')).toBeGreaterThan(plain.indexOf('docker run --name ecs-agent'));
  const ecs = userDataOf({ afterBoot: 'docker-restarted' });
  expect(ecs).toMatch(
    /^setsid bash -c '.*iptables -t nat -C OUTPUT .*REDIRECT --to-ports 51679.*; systemctl restart docker' <\/dev\/null .*&$/m,
  );
  expect(userDataOf({ imds: 'blocked-forward' })).toContain('iptables --insert FORWARD 1 --in-interface docker+');
  const packaged = userDataOf({ ami: 'al2023-plain', agentInstall: 'ecs-init-package', afterBoot: 'rules-flushed' });
  expect(packaged).toMatch(/^setsid bash -c /m);
});

test("agentInstall ecs-init-package: the plain AMI gets AL2023's ecs-init package, started without blocking, and no agent container", () => {
  const packaged = userDataOf({ ami: 'al2023-plain', agentInstall: 'ecs-init-package', hostRules: 'none' });
  expect(packaged).toContain('dnf install -y ecs-init\nsystemctl enable --now --no-block ecs\n');
  expect(packaged).not.toContain('docker run');
  expect(packaged.indexOf('dnf install -y ecs-init')).toBeGreaterThan(packaged.indexOf('dnf install -y docker'));
});

test('agentVersion: the plain AMI runs the agent container of that release', () => {
  expect(userDataOf({ ami: 'al2023-plain' })).toContain('  public.ecr.aws/ecs/amazon-ecs-agent:v1.101.2');
  const old = userDataOf({ ami: 'al2023-plain', agentVersion: '1.95.0' });
  expect(old).toContain('  public.ecr.aws/ecs/amazon-ecs-agent:v1.95.0');
  expect(old).not.toContain('amazon-ecs-agent:v1.101.2');
});
