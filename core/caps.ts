/**
 * What a run costs in instances: the one instance type, what it holds, how long a run's resources live, and
 * the estimate printed before a run starts. Pure. The caps that bound a run are in limits.ts.
 */
import type { Plan } from './plan/plan.ts';

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
  /** The backend's: its instance type (its profile's) and a cell's time limit. */
  backend: { instanceType: string; cellTimeoutMs: number },
): RunEstimate {
  const cellMinutes = backend.cellTimeoutMs / 60_000;
  // Each instance serves its own group's cells; at worst they run one after another, each to its limit.
  const minutes = plan.instanceGroups.reduce(
    (total, group) => total + Math.min(BOOT_MINUTES + group.cells.length * cellMinutes, RUN_TTL_HOURS * 60),
    0,
  );
  return {
    instances: plan.instanceGroups.length,
    instanceType: backend.instanceType,
    cells: plan.cells.length,
    estimatedInstanceHours: Math.round((minutes / 60) * 100) / 100,
    maxInstanceHours: plan.instanceGroups.length * RUN_TTL_HOURS,
  };
}
