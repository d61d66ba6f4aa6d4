import { expect, test } from '@playwright/test';
import { ECS_INIT_AGENT_DEFAULTS } from '../host/service-config.ts';
import { DEFAULT_CLUSTER, goParseBool, parseAgentConfig, parseRateLimit, readEcsConfigFile } from './ecs-config.ts';

test.describe('ecs.config file (ecs-init reader)', () => {
  test('splits on the first "=", keeps quotes and skips lines without "="', () => {
    const text = '\n  ECS_CLUSTER="quoted"\r\nNO_EQUALS\n# comment=kept as a key\nHTTP_PROXY=http://p:3128/?a=b\n';
    expect(readEcsConfigFile(text)).toEqual({
      ECS_CLUSTER: '"quoted"',
      '# comment': 'kept as a key',
      HTTP_PROXY: 'http://p:3128/?a=b',
    });
  });
});

test.describe('agent config parsing', () => {
  test('defaults with an empty environment', () => {
    const { config, warnings, errors } = parseAgentConfig({});
    expect(config.cluster).toBe(DEFAULT_CLUSTER);
    expect(config.taskIamRoleEnabled).toBe(false);
    expect(config.taskIamRoleNetworkHostEnabled).toBe(false);
    expect(config.taskMetadataRateLimit).toEqual({ steady: 40, burst: 60 });
    expect(config.availableLoggingDrivers).toEqual(['json-file', 'none']);
    expect(config.proxy).toEqual({ httpProxy: undefined, httpsProxy: undefined, noProxy: undefined });
    expect(warnings).toEqual([]);
    expect(errors).toEqual([]);
  });

  test('ecs-init defaults enable both task-role flags and awslogs', () => {
    const { config } = parseAgentConfig({ ...ECS_INIT_AGENT_DEFAULTS, ECS_CLUSTER: ' prod ' });
    expect(config.cluster).toBe('prod');
    expect(config.taskIamRoleEnabled).toBe(true);
    expect(config.taskIamRoleNetworkHostEnabled).toBe(true);
    expect(config.availableLoggingDrivers).toContain('awslogs');
  });

  test('Go ParseBool spellings', () => {
    for (const yes of ['1', 't', 'T', 'TRUE', 'true', 'True', ' true ']) expect(goParseBool(yes)).toBe(true);
    for (const no of ['0', 'f', 'F', 'FALSE', 'false', 'False']) expect(goParseBool(no)).toBe(false);
    for (const bad of ['yes', 'on', 'tRUE', '', undefined]) expect(goParseBool(bad)).toBeUndefined();
  });

  test('an invalid task-role flag warns and stays off; the network-host flag is silent', () => {
    const { config, warnings } = parseAgentConfig({
      ECS_ENABLE_TASK_IAM_ROLE: 'yes',
      ECS_ENABLE_TASK_IAM_ROLE_NETWORK_HOST: 'yes',
    });
    expect(config.taskIamRoleEnabled).toBe(false);
    expect(config.taskIamRoleNetworkHostEnabled).toBe(false);
    expect(warnings).toEqual(['Invalid format for "ECS_ENABLE_TASK_IAM_ROLE", expected a boolean.']);
  });

  test('proxy variables: upper case wins, lower case is the fallback, empty is unset', () => {
    const { config } = parseAgentConfig({ HTTP_PROXY: '', http_proxy: 'p:1', NO_PROXY: '169.254.169.254' });
    expect(config.proxy).toEqual({ httpProxy: 'p:1', httpsProxy: undefined, noProxy: '169.254.169.254' });
  });

  test('invalid instance attributes and unknown logging drivers stop the agent', () => {
    const { errors } = parseAgentConfig({
      ECS_INSTANCE_ATTRIBUTES: '[1]',
      ECS_AVAILABLE_LOGGING_DRIVERS: '["awslogs","bogus"]',
    });
    expect(errors).toEqual([
      'Invalid logging drivers: bogus',
      'Invalid format for ECS_INSTANCE_ATTRIBUTES. Expected a json hash',
    ]);
  });

  test('a malformed logging-driver list warns and keeps the defaults', () => {
    const { config, warnings } = parseAgentConfig({ ECS_AVAILABLE_LOGGING_DRIVERS: 'awslogs' });
    expect(config.availableLoggingDrivers).toEqual(['json-file', 'none']);
    expect(warnings).toHaveLength(1);
  });

  test('instance attributes are read as a JSON hash', () => {
    const { config } = parseAgentConfig({ ECS_INSTANCE_ATTRIBUTES: '{"stack":"prod"}' });
    expect(config.instanceAttributes).toEqual({ stack: 'prod' });
  });
});

test.describe('ECS_TASK_METADATA_RPS_LIMIT', () => {
  const cases: Array<[string | undefined, { steady: number; burst: number }, number]> = [
    [undefined, { steady: 40, burst: 60 }, 0],
    ['1,1', { steady: 1, burst: 1 }, 0],
    [' 5 , 7 ', { steady: 5, burst: 7 }, 0],
    ['100', { steady: 40, burst: 60 }, 1], // not "rateLimit,burst"
    ['a,5', { steady: 40, burst: 60 }, 1], // steady not an integer
    ['5,b', { steady: 40, burst: 60 }, 1], // burst not an integer
    ['1.5,2', { steady: 40, burst: 60 }, 1], // Atoi rejects decimals
    ['0,5', { steady: 40, burst: 5 }, 0], // Merge fills the zero field only
    ['-1,5', { steady: 40, burst: 60 }, 1], // ≤0 after Merge resets both
    ['5,-1', { steady: 40, burst: 60 }, 1],
  ];
  for (const [text, expected, warningCount] of cases) {
    test(`${JSON.stringify(text)} → ${expected.steady},${expected.burst}`, () => {
      const warnings: string[] = [];
      expect(parseRateLimit(text, warnings)).toEqual(expected);
      expect(warnings).toHaveLength(warningCount);
    });
  }
});
