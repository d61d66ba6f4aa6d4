/**
 * Limits on the size of a run, checked before any AWS call, and what a run will cost in instances. Pure.
 * A matrix is a few lines of YAML; its plan can ask for a thousand EC2 instances.
 */
import { BadInputError } from './errors.ts';
import type { Plan } from './plan/plan.ts';
import type { Backend } from './results/results-schema.ts';

/** The one instance type the harness launches (and the harness policy allows: fixtures/iam). */
export const HARNESS_INSTANCE_TYPE = 't3.small';
/**
 * Memory a t3.small registers for tasks, rounded down: 2 GiB installed, less the kernel's and the platform's
 * share (the ECS developer guide, "Reserving Amazon ECS Linux container instance memory": an m4.large's
 * 8 GiB registers as 7,985 MiB).
 */
export const HARNESS_INSTANCE_TASK_MEMORY_MIB = 1_800;
/** The known-good task's container memory (fixtures/known-good-task.json), what ECS reserves per cell. */
export const CELL_TASK_MEMORY_MIB = 128;

/** Cells' tasks one instance places at once; one more fails to place with RESOURCE:MEMORY. */
export function tasksPerInstance(): number {
  return Math.floor(HARNESS_INSTANCE_TASK_MEMORY_MIB / CELL_TASK_MEMORY_MIB);
}

/** A run's resources expire this long after it starts; its instances shut themselves down then. */
export const RUN_TTL_HOURS = 6;

export const DEFAULT_CAPS = { maxInstances: 40, maxCells: 2000 } as const;

export interface RunCaps {
  /** `--max-instances`: EC2 instances one run may launch (one per instance group). */
  maxInstances: number;
  /** `--max-cells`: cells one run may run. */
  maxCells: number;
}

/** Throws a BadInputError (exit 2) naming every cap the plan exceeds, its numbers and its flag. */
export function checkRunCaps(plan: Pick<Plan, 'cells' | 'instanceGroups'>, caps: RunCaps, file = 'matrix'): void {
  const problems = [];
  const instances = plan.instanceGroups.length;
  if (instances > caps.maxInstances) {
    problems.push({
      file,
      path: '',
      message: `the plan needs ${instances} instances, over the cap of ${caps.maxInstances} (raise it with --max-instances ${instances})`,
    });
  }
  if (plan.cells.length > caps.maxCells) {
    problems.push({
      file,
      path: '',
      message: `the plan has ${plan.cells.length} cells, over the cap of ${caps.maxCells} (raise it with --max-cells ${plan.cells.length})`,
    });
  }
  if (problems.length > 0) throw new BadInputError(problems);
}

export interface RunEstimate {
  instances: number;
  /** What each instance is: an EC2 instance type on AWS; the lab's and LocalStack's are simulated hosts. */
  instanceType: string;
  cells: number;
  /** Instance-hours if the run goes as planned: boot and registration, then the instance's cells in turn. */
  estimatedInstanceHours: number;
  /** The most it can cost: every instance shuts itself down at the run's expiry. */
  maxInstanceHours: number;
}

/** Minutes from launch until an instance's agent registers (a generous figure for AWS). */
const BOOT_MINUTES = 10;

export function estimateRun(
  plan: Pick<Plan, 'cells' | 'instanceGroups'>,
  backend: Backend,
  options: { cellTimeoutMs?: number } = {},
): RunEstimate {
  const cellMinutes = (options.cellTimeoutMs ?? 60_000) / 60_000;
  // Each instance serves its own group's cells; at worst they run one after another, each to its limit.
  const minutes = plan.instanceGroups.reduce(
    (total, group) => total + Math.min(BOOT_MINUTES + group.cells.length * cellMinutes, RUN_TTL_HOURS * 60),
    0,
  );
  return {
    instances: plan.instanceGroups.length,
    instanceType: backend === 'aws' ? HARNESS_INSTANCE_TYPE : `simulated (${backend})`,
    cells: plan.cells.length,
    estimatedInstanceHours: Math.round((minutes / 60) * 100) / 100,
    maxInstanceHours: plan.instanceGroups.length * RUN_TTL_HOURS,
  };
}
