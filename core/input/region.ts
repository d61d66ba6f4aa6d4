import { z } from 'zod';

/**
 * An AWS region name as the harness accepts it wherever one is read (matrix, `--region`, the run's files):
 * partition letters, a direction word or more and a number, e.g. us-west-2, eu-central-1, us-gov-west-1.
 * Nothing else can reach an ARN, an endpoint name or a task's environment.
 */
export const REGION_PATTERN = /^[a-z]{2}(-[a-z]{2,10}){1,3}-\d{1,2}$/;
export const REGION_RULE = 'expected a region name such as us-west-2';

export function isRegion(value: string): boolean {
  return value.length <= 32 && REGION_PATTERN.test(value);
}

export const regionSchema = z.string({ error: REGION_RULE }).refine(isRegion, { message: REGION_RULE });
