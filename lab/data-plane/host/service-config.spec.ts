import { expect, test } from '@playwright/test';
import { isPerInstanceSysctl, parseSysctlFile } from './host-services.ts';
import {
  ECS_INIT_AGENT_DEFAULTS,
  ecsInitAgentEnvironment,
  parseDockerEnvFile,
  parseDropIn,
  parseSystemdEnvironmentFile,
  parseUpstartOverride,
} from './service-config.ts';

test('agent environment: defaults, then /var/lib/ecs/ecs.config, then /etc/ecs/ecs.config', () => {
  const env = ecsInitAgentEnvironment(
    'ECS_CLUSTER=amazon\nECS_X=1',
    'ECS_CLUSTER=user\nECS_ENABLE_TASK_IAM_ROLE=false',
  );
  expect(env).toEqual({
    ...ECS_INIT_AGENT_DEFAULTS,
    ECS_CLUSTER: 'user',
    ECS_X: '1',
    ECS_ENABLE_TASK_IAM_ROLE: 'false',
  });
  expect(ecsInitAgentEnvironment(undefined, undefined)).toEqual(ECS_INIT_AGENT_DEFAULTS);
});

test('systemd EnvironmentFile: comments skipped, surrounding quotes removed, continuation joined', () => {
  const text = '# comment\n; also\nA="quoted value"\nB=plain\nC=con\\\ntinued\nnot-an-assignment\n';
  expect(parseSystemdEnvironmentFile(text)).toEqual({ A: 'quoted value', B: 'plain', C: 'continued' });
});

test('drop-in: quoted and bare Environment words, EnvironmentFile paths, an empty Environment= resets', () => {
  const dropIn = parseDropIn(
    '[Service]\nEnvironment=OLD=1\nEnvironment=\nEnvironment="HTTP_PROXY=http://p:3128/" NO_PROXY=a,b\nEnvironmentFile=-/etc/x\n',
  );
  expect(dropIn).toEqual({
    environment: { HTTP_PROXY: 'http://p:3128/', NO_PROXY: 'a,b' },
    environmentFiles: ['-/etc/x'],
  });
});

test('upstart override: only `env KEY=VALUE` lines', () => {
  expect(parseUpstartOverride('env A=1\nenv B="two"\nexec something\n')).toEqual({ A: '1', B: 'two' });
});

test('docker env-file: comments skipped, no quote handling, a bare name takes the client value', () => {
  const env = parseDockerEnvFile('# c\nA="x"\n  B=2\nFROM_CLIENT\nMISSING\n', { FROM_CLIENT: 'yes' });
  expect(env).toEqual({ A: '"x"', B: '2', FROM_CLIENT: 'yes' });
});

test('sysctl files: key = value, comments, a leading "-" dropped; only net.* keys are per instance', () => {
  expect(parseSysctlFile('# c\nnet.ipv4.ip_forward = 1\n-net.ipv4.conf.all.route_localnet=1\n; x\n')).toEqual([
    ['net.ipv4.ip_forward', '1'],
    ['net.ipv4.conf.all.route_localnet', '1'],
  ]);
  expect(isPerInstanceSysctl('net.ipv4.conf.all.route_localnet')).toBe(true);
  expect(isPerInstanceSysctl('net/ipv4/ip_forward')).toBe(true);
  expect(isPerInstanceSysctl('kernel.pid_max')).toBe(false);
});
