/**
 * `--out/plan.json`: the plan, computed once (by `ecs-taskrole run`, or by the Playwright config when
 * the runner is started directly) and read by every worker, the reporter and the exit-code logic, so all
 * of them agree on the cells, their titles and their expectations (matrix overrides included).
 */
import { z } from 'zod';
import { regionSchema } from '../input/region.ts';
import { DIMENSIONS, type Dimension, type Dimensions } from '../matrix/dimensions.ts';
import { INSTANCE_DIMENSIONS, type InstanceGroup } from '../matrix/instance-groups.ts';
import { proxyUrlSchema } from '../matrix/pins.ts';
import { expectationSchema } from '../results/results-schema.ts';
import type { Plan, PlannedCell } from './plan.ts';
import { runOrder } from './run-order.ts';

const dimensionValue = (dimension: Dimension) =>
  dimension === 'rpsLimit' ? z.string() : z.enum(DIMENSIONS[dimension].values as readonly [string, ...string[]]);

const dimensionsSchema = z.strictObject(
  Object.fromEntries(Object.keys(DIMENSIONS).map((d) => [d, dimensionValue(d as Dimension)])) as Record<
    Dimension,
    z.ZodString
  >,
);

export const planFileSchema = z.strictObject({
  planVersion: z.literal(1),
  name: z.string(),
  region: regionSchema,
  cells: z.array(z.strictObject({ id: z.string(), dimensions: dimensionsSchema, expected: expectationSchema })),
  /** The order the cells start in (longest expected first); `cells` keeps the matrix's order. */
  runOrder: z.array(z.string()),
  /** The matrix's AMI pins (`--ami` overrides each) and proxy URL (ECS_TASKROLE_PROXY_URL overrides it). */
  amiPins: z.record(z.string(), z.string()),
  proxyUrl: proxyUrlSchema.optional(),
  instanceGroups: z.array(
    z.strictObject({
      id: z.string(),
      instance: z.strictObject(
        Object.fromEntries(INSTANCE_DIMENSIONS.map((d) => [d, dimensionValue(d)])) as Record<string, z.ZodString>,
      ),
      cells: z.array(z.string()),
    }),
  ),
});
export type PlanFile = z.infer<typeof planFileSchema>;

/** What a run executes: the selected cells with their expectations and the instance groups they need. */
export interface RunPlan {
  name: string;
  region: string;
  cells: PlannedCell[];
  instanceGroups: InstanceGroup[];
  runOrder: string[];
  amiPins: Record<string, string>;
  proxyUrl?: string;
}

export function planFileOf(
  plan: Plan,
  options: { region?: string; previousDurations: ReadonlyMap<string, number>; workers: number },
): PlanFile {
  return {
    planVersion: 1,
    name: plan.matrix.name,
    region: options.region ?? plan.matrix.region,
    cells: plan.cells,
    runOrder: runOrder(plan.cells, options.previousDurations, options.workers),
    instanceGroups: plan.instanceGroups,
    amiPins: { ...plan.matrix.amiPins },
    ...(plan.matrix.proxyUrl !== undefined ? { proxyUrl: plan.matrix.proxyUrl } : {}),
  };
}

/** The validated file as the plan the run executes (the schema checks every value the types promise). */
export function runPlanOf(file: PlanFile): RunPlan {
  return {
    name: file.name,
    region: file.region,
    cells: file.cells.map((cell) => ({ ...cell, dimensions: cell.dimensions as Dimensions })) as PlannedCell[],
    instanceGroups: file.instanceGroups as InstanceGroup[],
    runOrder: file.runOrder,
    amiPins: file.amiPins,
    ...(file.proxyUrl !== undefined ? { proxyUrl: file.proxyUrl } : {}),
  };
}
