/**
 * Root's user data and hostile values. The proxy URL and cluster are checked again where the script is made
 * (a caller that skipped the grammar is refused), every file is written from a base64 blob, and each AMI
 * profile's script, run by bash with every command stubbed (testing/run-under-stubs.ts), calls exactly the
 * commands the plain URL's script calls and writes exactly the files it should.
 */
import { expect, test } from '@playwright/test';
import { BadInputError } from '../../core/errors.ts';
import { EDGE_PROXY_URLS, HOSTILE_PROXY_URLS } from '../../core/input/testing/hostile-proxy-urls.ts';
import { DEFAULT_BASELINE, type Dimensions } from '../../core/matrix/dimensions.ts';
import { groupByInstance, type InstanceGroup } from '../../core/matrix/instance-groups.ts';
import { shellQuote, systemdEnvironmentLine, upstartEnvLine, writeFileLines } from './script-text.ts';
import { runUnderStubs } from './testing/run-under-stubs.ts';
import { userDataFor } from './user-data.ts';

const PROFILES = ['al1-ecs', 'al2-ecs', 'al2023-ecs', 'al2023-plain'] as const;
const EXPIRES = new Date('2099-01-01T00:00:00Z');

function groupOf(dimensions: Partial<Dimensions>): InstanceGroup {
  const [group] = groupByInstance([{ id: 'g', dimensions: { ...DEFAULT_BASELINE, ...dimensions } }]);
  if (!group) throw new Error('no instance group');
  return group;
}

const proxyGroup = (ami: (typeof PROFILES)[number]) =>
  groupOf({ ami, agentProxy: 'with-no-proxy', ...(ami === 'al2023-plain' ? { hostRules: 'documented' } : {}) });

test('every hostile proxy URL and cluster name is refused where the user data is made', () => {
  for (const ami of PROFILES) {
    for (const hostile of HOSTILE_PROXY_URLS) {
      expect(() => userDataFor(proxyGroup(ami), { cluster: 'c', proxyUrl: hostile.url }), hostile.id).toThrow(
        BadInputError,
      );
    }
    expect(() => userDataFor(proxyGroup(ami), { cluster: "c'; reboot; '", proxyUrl: 'http://p:1' })).toThrow(
      BadInputError,
    );
  }
});

test('no value is shell text: files come from base64 blobs, the script has no heredoc of values', () => {
  for (const ami of PROFILES) {
    const script = userDataFor(proxyGroup(ami), { cluster: 'c', proxyUrl: 'http://proxy.example.internal:3128' });
    expect(script).not.toContain('proxy.example.internal');
    expect(script).not.toContain('ECS_CLUSTER=');
    expect(script).not.toMatch(/echo '/);
  }
});

for (const ami of PROFILES) {
  test(`${ami}: run under stubbed commands, edge URLs call exactly what the plain URL calls`, async () => {
    test.skip(process.getuid?.() !== 0, 'needs root for a private mount namespace');
    const systemd = ami !== 'al1-ecs';
    const render = (proxyUrl: string) => userDataFor(proxyGroup(ami), { cluster: 'c', proxyUrl, expiresAt: EXPIRES });
    const baseline = await runUnderStubs(render('http://proxy.example.internal:3128'), { systemd });
    expect(baseline.exitCode).toBe(0);
    expect(baseline.notFound).toEqual([]);
    for (const url of EDGE_PROXY_URLS) {
      const run = await runUnderStubs(render(url), { systemd });
      expect(run.exitCode, url).toBe(0);
      expect(run.notFound, url).toEqual([]);
      // As a multiset: a pipeline's two ends and AL1's backgrounded shutdown log in either order.
      expect([...run.calls].sort(), url).toEqual([...baseline.calls].sort());
      const config = run.files['/etc/ecs/ecs.config'] ?? '';
      expect(config.split('\n').filter(Boolean), url).toEqual([
        'ECS_CLUSTER=c',
        'ECS_ENABLE_TASK_IAM_ROLE=true',
        'ECS_ENABLE_TASK_IAM_ROLE_NETWORK_HOST=true',
        // The manual install's logging drivers (awslogs is not the agent's own default).
        ...(ami === 'al2023-plain' ? ['ECS_AVAILABLE_LOGGING_DRIVERS=["json-file","awslogs"]'] : []),
        `HTTP_PROXY=${url}`,
        'NO_PROXY=169.254.169.254,169.254.170.2,/var/run/docker.sock',
      ]);
      const proxy = `${url.replace(/\/$/, '')}/`;
      if (ami === 'al1-ecs') expect(run.files['/etc/init/ecs.override']).toBe(`env HTTP_PROXY=${proxy}\n`);
      else if (ami !== 'al2023-plain') {
        expect(run.files['/etc/systemd/system/ecs.service.d/http-proxy.conf']).toContain(
          `Environment="HTTP_PROXY=${proxy}"\n`,
        );
        // The drop-in counts only after systemd reloads its units (ecs.service was loaded at boot).
        expect(run.calls.at(-1)).toBe('systemctl daemon-reload');
        expect(run.calls.filter((call) => call.startsWith('systemctl daemon-reload'))).toHaveLength(1);
      }
    }
    // The expiry: a systemd unit where systemd runs, rc.local on AL1 (upstart).
    if (systemd) expect(run(baseline.files, '/etc/systemd/system/ecs-taskrole-expire.service')).toContain('ExecStart=');
    else expect(baseline.files['/etc/rc.d/rc.local']).toBe('/var/lib/ecs-taskrole/expire\n');
  });
}

function run(files: Record<string, string>, path: string): string {
  return files[path] ?? '';
}

test('the quoting layer alone holds: hostile text written through a blob lands verbatim, nothing else runs', async () => {
  test.skip(process.getuid?.() !== 0, 'needs root for a private mount namespace');
  const hostile = HOSTILE_PROXY_URLS.map((entry) => entry.url).join('\n');
  const script = ['#!/bin/bash', ...writeFileLines('/etc/hostile.txt', hostile, { what: 'test' })].join('\n');
  const result = await runUnderStubs(`${script}\n`, { systemd: true });
  expect(result.exitCode).toBe(0);
  expect(result.files['/etc/hostile.txt']).toBe(hostile);
  expect(result.calls).toEqual(['base64 -d']);
  for (const value of HOSTILE_PROXY_URLS.map((entry) => entry.url).filter((url) => !url.includes('\u0000'))) {
    const echoed = await runUnderStubs(`printf '%s' ${shellQuote(value)} > /etc/out\n`, { systemd: true });
    expect(echoed.files['/etc/out'], value).toBe(value);
    expect(echoed.calls, value).toEqual([]);
  }
});

test('systemd Environment= escaping and the upstart env line', () => {
  expect(systemdEnvironmentLine('A', 'x"y\\z%h$HOME')).toBe('Environment="A=x\\"y\\\\z%%h$HOME"');
  expect(() => systemdEnvironmentLine('A', 'x\ny')).toThrow();
  expect(upstartEnvLine('HTTP_PROXY', 'http://[::1]:3128/')).toBe('env HTTP_PROXY=http://[::1]:3128/');
  for (const bad of ['a b', "a'b", 'a"b', 'a\nb', 'a$b', 'a`b', 'a;b'])
    expect(() => upstartEnvLine('X', bad)).toThrow();
});
