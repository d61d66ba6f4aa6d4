import { expect, test } from '@playwright/test';
import { ECS_INIT_AGENT_DEFAULTS } from '../host/service-config.ts';
import {
  agentAttributes,
  EXECUTION_ROLE_AWSLOGS,
  TASK_ENI,
  TASK_IAM_ROLE,
  TASK_IAM_ROLE_NETWORK_HOST,
} from './capabilities.ts';
import { parseAgentConfig } from './ecs-config.ts';

const names = (env: Record<string, string>) => agentAttributes(parseAgentConfig(env).config).map((a) => a.name);

test('ECS-optimized defaults register both task-role capabilities and awslogs', () => {
  const registered = names({ ...ECS_INIT_AGENT_DEFAULTS });
  expect(registered).toContain(TASK_IAM_ROLE);
  expect(registered).toContain(TASK_IAM_ROLE_NETWORK_HOST);
  expect(registered).toContain('com.amazonaws.ecs.capability.logging-driver.awslogs');
  expect(registered).toContain('com.amazonaws.ecs.capability.docker-remote-api.1.19');
  expect(registered).not.toContain('com.amazonaws.ecs.capability.docker-remote-api.1.26');
});

test('each flag off removes only its own capability', () => {
  const noTaskRole = names({ ...ECS_INIT_AGENT_DEFAULTS, ECS_ENABLE_TASK_IAM_ROLE: 'false' });
  expect(noTaskRole).not.toContain(TASK_IAM_ROLE);
  expect(noTaskRole).toContain(TASK_IAM_ROLE_NETWORK_HOST);
  const noHost = names({ ...ECS_INIT_AGENT_DEFAULTS, ECS_ENABLE_TASK_IAM_ROLE_NETWORK_HOST: 'false' });
  expect(noHost).toContain(TASK_IAM_ROLE);
  expect(noHost).not.toContain(TASK_IAM_ROLE_NETWORK_HOST);
});

test('agent defaults alone (plain AMI, agent run by hand): no task-role capability, no awslogs', () => {
  const registered = names({});
  expect(registered).not.toContain(TASK_IAM_ROLE);
  expect(registered).not.toContain('com.amazonaws.ecs.capability.logging-driver.awslogs');
});

test('task-eni comes with ecs-init (ECS_ENABLE_TASK_ENI), the block attribute only alongside it', () => {
  const blockAttribute = 'ecs.capability.task-eni-block-instance-metadata';
  expect(names({ ...ECS_INIT_AGENT_DEFAULTS })).toContain(TASK_ENI);
  expect(names({ ...ECS_INIT_AGENT_DEFAULTS })).not.toContain(blockAttribute);
  expect(names({ ...ECS_INIT_AGENT_DEFAULTS, ECS_AWSVPC_BLOCK_IMDS: 'true' })).toContain(blockAttribute);
  const byHand = names({ ECS_ENABLE_TASK_IAM_ROLE: 'true', ECS_AWSVPC_BLOCK_IMDS: 'true' });
  expect(byHand).not.toContain(TASK_ENI);
  expect(byHand).not.toContain(blockAttribute);
});

test('logging drivers and execution-role-awslogs exactly as configured: ecs-init defaults, the agent by hand, ecs.config', () => {
  const awslogs = 'com.amazonaws.ecs.capability.logging-driver.awslogs';
  expect(names({ ...ECS_INIT_AGENT_DEFAULTS })).toEqual(expect.arrayContaining([awslogs, EXECUTION_ROLE_AWSLOGS]));
  const byHand = names({ ECS_ENABLE_TASK_IAM_ROLE: 'true' });
  expect(byHand).not.toContain(awslogs);
  expect(byHand).not.toContain(EXECUTION_ROLE_AWSLOGS);
  expect(byHand).toContain('com.amazonaws.ecs.capability.logging-driver.json-file');
  const documented = names({ ECS_AVAILABLE_LOGGING_DRIVERS: '["json-file","awslogs"]' });
  expect(documented).toContain(awslogs);
  expect(documented).not.toContain('com.amazonaws.ecs.capability.logging-driver.none');
  expect(documented).not.toContain(EXECUTION_ROLE_AWSLOGS);
  expect(names({ ECS_ENABLE_AWSLOGS_EXECUTIONROLE_OVERRIDE: 'true' })).toContain(EXECUTION_ROLE_AWSLOGS);
});

test('custom instance attributes are registered with their values', () => {
  const attributes = agentAttributes(parseAgentConfig({ ECS_INSTANCE_ATTRIBUTES: '{"stack":"prod"}' }).config);
  expect(attributes).toContainEqual({ name: 'stack', value: 'prod' });
});
