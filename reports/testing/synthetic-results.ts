/**
 * Deterministic synthetic results for specs, browser specs and the render benchmark: cells with the
 * rules' real expectations, plausible logs and task definitions, a share of deviations and infra errors.
 */

import { verdictOf } from '../../core/cell-result.ts';
import { makeCell } from '../../core/matrix/cell.ts';
import { DEFAULT_BASELINE, DIMENSION_NAMES, DIMENSIONS, type Dimensions } from '../../core/matrix/dimensions.ts';
import { instanceGroupId } from '../../core/matrix/instance-groups.ts';
import type { Outcome } from '../../core/outcome.ts';
import { type CellResult, RESULTS_SCHEMA_VERSION, type RunResults } from '../../core/results/results-schema.ts';
import { expectationFor } from '../../core/rules/expect.ts';

export interface SyntheticOptions {
  cells?: number;
  /** Seed for the pseudo-random choices; the same seed gives the same results. */
  seed?: number;
  /** Separate seed for the outcomes, so runs of the same matrix (same `seed`) can differ. Default: `seed`. */
  outcomeSeed?: number;
  /** Share of cells whose actual outcome deviates from the expectation. */
  deviations?: number;
  /** Share of cells that end in INFRA_ERROR or TIMEOUT. */
  infra?: number;
  runId?: string;
  startedAt?: string;
}

export const ACCOUNT = '123456789012';
export const HOSTILE_LINE = '</script><script>window.__pwned=1;alert(1)</script><img src=x onerror="window.__pwned=2">';

/** The small default set: baseline plus each value of each dimension varied alone. */
export function variedCells(): Dimensions[] {
  const cells: Dimensions[] = [DEFAULT_BASELINE];
  for (const name of DIMENSION_NAMES) {
    for (const value of DIMENSIONS[name].values.slice(1)) cells.push({ ...DEFAULT_BASELINE, [name]: value });
  }
  cells.push({ ...DEFAULT_BASELINE, rpsLimit: '1,1', load: 'burst' });
  cells.push({ ...DEFAULT_BASELINE, ami: 'al2023-plain', hostRules: 'none', network: 'host' });
  return cells;
}

export function syntheticResults(options: SyntheticOptions = {}): RunResults {
  const random = mulberry32(options.seed ?? 1);
  const count = options.cells ?? variedCells().length;
  const all = new Map<string, Dimensions>();
  for (const dimensions of variedCells()) if (all.size < count) all.set(makeCell(dimensions).id, dimensions);
  while (all.size < count) {
    const dimensions = randomDimensions(random);
    all.set(makeCell(dimensions).id, dimensions);
  }
  const outcomeRandom = options.outcomeSeed === undefined ? random : mulberry32(options.outcomeSeed);
  const cells = [...all.values()].map((dimensions) => syntheticCell(dimensions, outcomeRandom, options));
  const startedAt = options.startedAt ?? '2026-11-20T02:00:00.000Z';
  return {
    schemaVersion: RESULTS_SCHEMA_VERSION,
    run: {
      runId: options.runId ?? 'run-synthetic-1',
      backend: 'lab',
      region: 'us-west-2',
      matrixName: 'default',
      startedAt,
      finishedAt: new Date(Date.parse(startedAt) + 754_000).toISOString(),
      durationMs: 754_000,
      commit: '41e9f69',
      toolVersion: '0.1.0',
      amis: {
        'al2023-ecs': { imageId: 'ami-0a2023ecs0000001', agentVersion: '1.101.0' },
        'al2-ecs': { imageId: 'ami-0a2ecs000000001', agentVersion: '1.101.0' },
        'al1-ecs': { imageId: 'ami-0a1ecs000000001', agentVersion: '1.51.0' },
        'al2023-plain': { imageId: 'ami-0a2023plain0001' },
      },
    },
    cells,
  };
}

function randomDimensions(random: () => number): Dimensions {
  const dimensions = { ...DEFAULT_BASELINE } as Record<string, string>;
  for (const name of DIMENSION_NAMES) {
    if (random() < 0.25) {
      const values = name === 'rpsLimit' ? ['default', '1,1', '5,10', 'not-a-limit'] : DIMENSIONS[name].values;
      dimensions[name] = values[Math.floor(random() * values.length)] as string;
    }
  }
  if (dimensions.ami !== 'al2023-plain') dimensions.hostRules = 'documented';
  return dimensions as Dimensions;
}

const DEVIATION_OUTCOMES: Outcome[] = ['INSTANCE_ROLE_DENIED', 'ENDPOINT_ERROR', 'NO_CREDENTIALS', 'TASK_ROLE'];

function syntheticCell(dimensions: Dimensions, random: () => number, options: SyntheticOptions): CellResult {
  const cell = makeCell(dimensions);
  const expected = expectationFor(cell);
  const roll = random();
  let outcome: Outcome = expected.outcome;
  if (roll < (options.infra ?? 0.03)) outcome = random() < 0.5 ? 'INFRA_ERROR' : 'TIMEOUT';
  else if (roll < (options.infra ?? 0.03) + (options.deviations ?? 0.08)) {
    outcome = DEVIATION_OUTCOMES.find((candidate) => candidate !== expected.outcome) ?? 'INSTANCE_ROLE_DENIED';
  }
  const taskRoleArn = `arn:aws:iam::${ACCOUNT}:role/etr-task-${dimensions.trust}-${dimensions.taskRolePolicy}`;
  const instanceRole = `arn:aws:sts::${ACCOUNT}:assumed-role/etr-instance-${dimensions.instanceRolePolicy}/i-0abc`;
  const taskRole = `arn:aws:sts::${ACCOUNT}:assumed-role/etr-task-${dimensions.trust}-${dimensions.taskRolePolicy}/ecs-task`;
  const { log, decidedBy, callerArn } = syntheticLog(outcome, taskRole, instanceRole);
  const ran = outcome !== 'NOT_PLACED' && outcome !== 'ROLE_NOT_ASSUMABLE';
  return {
    id: cell.id,
    dimensions,
    expected,
    actual: { outcome, evidence: callerArn ? { decidedBy, callerArn } : { decidedBy } },
    verdict: verdictOf(expected.outcome, outcome),
    durationMs: Math.round(20_000 + random() * 40_000),
    details: {
      instanceGroup: instanceGroupId(cell),
      instanceId: 'i-0abc123def4567890',
      amiId: `ami-0${dimensions.ami.replace(/[^a-z0-9]/g, '')}`,
      ...(ran ? { taskArn: `arn:aws:ecs:us-west-2:${ACCOUNT}:task/etr/${hex(random)}`, exitCode: 0 } : {}),
      taskDefinition: {
        family: `etr-${cell.id.length > 40 ? hex(random) : cell.id.replace(/[^\w-]/g, '-')}`,
        ...(dimensions.taskRole === 'set' ? { taskRoleArn } : {}),
        networkMode: dimensions.network,
        containerDefinitions: [
          {
            name: 'known-good',
            image: `etr/${dimensions.client}`,
            entryPoint: ['/bin/bash', '-c'],
            command: ['aws sts get-caller-identity; aws ecs list-tasks --cluster etr --region us-west-2'],
            logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': 'ecs-tasks' } },
          },
        ],
      },
      ...(outcome === 'ROLE_NOT_ASSUMABLE' ? { stoppedReason: decidedBy } : {}),
      ...(outcome === 'NOT_PLACED'
        ? { failures: [{ reason: 'ATTRIBUTE', arn: 'arn:aws:ecs:…:container-instance/x' }] }
        : {}),
      log,
    },
  };
}

function syntheticLog(outcome: Outcome, taskRole: string, instanceRole: string) {
  const identity = (arn: string) => [
    '{',
    '    "UserId": "AROAEXAMPLE:ecs-task",',
    `    "Account": "${ACCOUNT}",`,
    `    "Arn": "${arn}"`,
    '}',
  ];
  const denied = (arn: string) =>
    `An error occurred (AccessDeniedException) when calling the ListTasks operation: User: ${arn} is not authorized to perform: ecs:ListTasks`;
  switch (outcome) {
    case 'TASK_ROLE':
      return {
        log: [...identity(taskRole), '{ "taskArns": [] }'],
        decidedBy: `caller ${taskRole}`,
        callerArn: taskRole,
      };
    case 'TASK_ROLE_DENIED':
      return { log: [...identity(taskRole), denied(taskRole)], decidedBy: denied(taskRole), callerArn: taskRole };
    case 'INSTANCE_ROLE_DENIED':
      return {
        log: [...identity(instanceRole), denied(instanceRole), HOSTILE_LINE],
        decidedBy: denied(instanceRole),
        callerArn: instanceRole,
      };
    case 'INSTANCE_ROLE_LEAK':
      return {
        log: [...identity(instanceRole), '{ "taskArns": [] }'],
        decidedBy: `caller ${instanceRole}`,
        callerArn: instanceRole,
      };
    case 'NO_CREDENTIALS': {
      const line = 'Unable to locate credentials. You can configure credentials by running "aws configure".';
      return { log: [line], decidedBy: line };
    }
    case 'ENDPOINT_ERROR': {
      const line =
        'Error when retrieving credentials from container-role: Error retrieving metadata: Received error when attempting to retrieve container metadata: Connect timeout on endpoint URL: "http://169.254.170.2/v2/credentials/…"';
      return { log: [line], decidedBy: line };
    }
    case 'NOT_PLACED':
      return { log: [], decidedBy: 'RunTask failure: ATTRIBUTE' };
    case 'ROLE_NOT_ASSUMABLE': {
      const line = `ECS was unable to assume the role '${taskRole}' that was provided for this task. Please verify that the role being passed has the proper trust relationship and permissions and that your IAM user has permissions to pass this role.`;
      return { log: [], decidedBy: line };
    }
    case 'TIMEOUT':
      return { log: ['Installing…'], decidedBy: 'time limit reached; last output: Installing…' };
    default:
      return { log: [HOSTILE_LINE], decidedBy: `RunTask: ThrottlingException: Rate exceeded ${HOSTILE_LINE}` };
  }
}

function hex(random: () => number): string {
  return Math.floor(random() * 0xffffffff)
    .toString(16)
    .padStart(8, '0');
}

/** A tiny seeded PRNG (mulberry32): deterministic fixtures without a dependency. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
