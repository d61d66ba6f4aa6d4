/**
 * The attributes the agent registers (`agent/app/agent_capability.go`, Linux): name-only capabilities,
 * Docker remote API versions below 1.33 except 1.26, 1.27 and 1.31, one `logging-driver.<name>` per
 * available driver, the two task-role capabilities only when their flags are on — which is all the
 * scheduler looks at when it places a task with a role — task-eni when ECS_ENABLE_TASK_ENI is on, and
 * execution-role-awslogs only with ECS_ENABLE_AWSLOGS_EXECUTIONROLE_OVERRIDE (an execution role with the
 * awslogs driver requires it).
 */
import type { Attribute } from '@aws-sdk/client-ecs';
import type { AgentConfig } from './ecs-config.ts';

const CAPABILITY = 'com.amazonaws.ecs.capability.';
const ATTRIBUTE = 'ecs.capability.';

const NAME_ONLY = [
  'private-registry-authentication.secretsmanager',
  'secrets.ssm.environment-variables',
  'secrets.ssm.bootstrap.log-driver',
  'ecr-endpoint',
  'secrets.asm.environment-variables',
  'secrets.asm.bootstrap.log-driver',
  'container-ordering',
  'full-sync',
  'env-files.s3',
  'container-port-range',
  'container-restart-policy',
];

/** What a current Docker engine reports, filtered as the agent does. */
const DOCKER_REMOTE_API_VERSIONS = [
  '1.17',
  '1.18',
  '1.19',
  '1.20',
  '1.21',
  '1.22',
  '1.23',
  '1.24',
  '1.25',
  '1.28',
  '1.29',
  '1.30',
  '1.32',
];

export const TASK_IAM_ROLE = `${CAPABILITY}task-iam-role`;
export const TASK_IAM_ROLE_NETWORK_HOST = `${CAPABILITY}task-iam-role-network-host`;
/** What the scheduler requires of an instance for an awsvpc task. */
export const TASK_ENI = `${ATTRIBUTE}task-eni`;
export const EXECUTION_ROLE_AWSLOGS = `${ATTRIBUTE}execution-role-awslogs`;

export function agentAttributes(config: AgentConfig): Attribute[] {
  const names = NAME_ONLY.map((name) => ATTRIBUTE + name);
  if (!config.privilegedDisabled) names.push(`${CAPABILITY}privileged-container`);
  for (const version of DOCKER_REMOTE_API_VERSIONS) names.push(`${CAPABILITY}docker-remote-api.${version}`);
  for (const driver of config.availableLoggingDrivers) {
    names.push(
      driver === 'awsfirelens' ? `${CAPABILITY}logging-driver.awsfirelens` : `${CAPABILITY}logging-driver.${driver}`,
    );
  }
  if (config.taskIamRoleEnabled) names.push(TASK_IAM_ROLE);
  if (config.taskIamRoleNetworkHostEnabled) names.push(TASK_IAM_ROLE_NETWORK_HOST);
  // appendTaskENICapabilities: the block attribute only alongside task-eni.
  if (config.taskEniEnabled) {
    names.push(TASK_ENI);
    if (config.awsvpcBlockImds) names.push(`${ATTRIBUTE}task-eni-block-instance-metadata`);
  }
  if (config.awslogsExecutionRoleOverride) names.push(EXECUTION_ROLE_AWSLOGS);
  names.push(`${ATTRIBUTE}task-cpu-mem-limit`, `${CAPABILITY}pid-ipc-namespace-sharing`);
  const attributes: Attribute[] = [...new Set(names)].map((name) => ({ name }));
  attributes.push({ name: 'ecs.os-type', value: 'linux' });
  for (const [name, value] of Object.entries(config.instanceAttributes)) attributes.push({ name, value });
  return attributes;
}
