import { z } from 'zod';
import { clusterName, logGroupName } from './harness-names.ts';

const groupStateSchema = z.strictObject({
  instanceId: z.string().optional(),
  amiId: z.string().optional(),
  instanceRoleArn: z.string(),
  containerInstanceArn: z.string().optional(),
  /** The agent version it registered with, once provisioning saw it (a rebooted group's). */
  agentVersion: z.string().optional(),
  notRegistered: z.string().optional(),
  /**
   * RunInstances refused the group for a reason of the account (imdsLaunchRefusal), or its instance ended
   * before its agent registered: its cells are INFRA_ERROR.
   */
  notLaunched: z.string().optional(),
});
export type GroupState = z.infer<typeof groupStateSchema>;

const instanceRoleSchema = z.strictObject({
  roleArn: z.string(),
  roleName: z.string(),
  instanceProfileName: z.string(),
});

/** What provisioning made, as the cell workers need it (plain JSON in `--out/run-state.json`). */
export const awsRunStateSchema = z.strictObject({
  runId: z.string(),
  // Where the APIs are is the run's backend record (--out/backend.json), which the workers connect from.
  region: z.string(),
  account: z.string(),
  cluster: z.string(),
  logGroup: z.string(),
  startedAt: z.string(),
  /** Task role ARN by variant (`<trust>.<taskRolePolicy>`). */
  taskRoles: z.record(z.string(), z.string()),
  /** The execution role of `taskRolePolicy: on-execution-role` cells, when the plan has any. */
  executionRoleArn: z.string().optional(),
  /** Instance role by its variant (`instanceRolePolicy`, `.trusts-ecs-tasks` for instanceRoleTrust ecs-tasks). */
  instanceRoles: z.record(z.string(), instanceRoleSchema),
  groups: z.record(z.string(), groupStateSchema),
  /** Until when a cell waits for its instance's agent to register (ISO time). */
  registrationDeadline: z.string().optional(),
  /** The registration limit that deadline came from (the lab's follows the machine's load). */
  registrationLimitMs: z.number().int().positive().optional(),
});
export type AwsRunState = z.infer<typeof awsRunStateSchema>;

/** A run's state before anything exists: its names follow from the run id. */
export function initialRunState(
  runId: string,
  startedAt: Date,
  where: { region: string; account: string },
): AwsRunState {
  return {
    runId,
    ...where,
    cluster: clusterName(runId),
    logGroup: logGroupName(runId),
    startedAt: startedAt.toISOString(),
    taskRoles: {},
    instanceRoles: {},
    groups: {},
  };
}
