/**
 * A container's process environment as Docker builds it for an ECS task: the image's ENV, then the
 * container definition's `environment` (which the agent has already amended), plus HOSTNAME and HOME.
 * The agent's amendments (`agent/api/task/task.go`): `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` on every
 * container of a task with a role, overriding a task-definition value (initializeCredentialsEndpoint);
 * `AWS_REGION`/`AWS_DEFAULT_REGION` only when neither is set by the task definition or the image
 * (ApplyRegionToContainer). `AWS_EXECUTION_ENV=AWS_ECS_EC2` comes with the task from the ECS backend.
 */

export interface ContainerEnvironmentInput {
  imageEnv: Record<string, string>;
  /** The container definition's `environment` list, in order (a later duplicate wins, as in Docker). */
  definitionEnv: ReadonlyArray<{ name?: string; value?: string }>;
  /** `/v2/credentials/<id>` when the task has a role. */
  credentialsRelativeUri: string | undefined;
  region: string;
  hostname: string;
  home: string;
}

export function containerEnvironment(input: ContainerEnvironmentInput): Record<string, string> {
  const definition: Record<string, string> = { AWS_EXECUTION_ENV: 'AWS_ECS_EC2' };
  for (const { name, value } of input.definitionEnv) if (name) definition[name] = value ?? '';
  if (input.credentialsRelativeUri) definition.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI = input.credentialsRelativeUri;
  const regionSet = ['AWS_REGION', 'AWS_DEFAULT_REGION'].some((name) => name in definition || name in input.imageEnv);
  if (!regionSet && input.region) {
    definition.AWS_REGION = input.region;
    definition.AWS_DEFAULT_REGION = input.region;
  }
  const env: Record<string, string> = { ...input.imageEnv, ...definition, HOSTNAME: input.hostname };
  if (!('HOME' in env)) env.HOME = input.home;
  return env;
}
