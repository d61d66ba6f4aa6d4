import { InvalidArgumentError } from 'commander';
import { BadInputError } from '../../core/errors.ts';
import { isRegion, REGION_RULE } from '../../core/input/region.ts';

/** `--region`'s parser in every command: one grammar (core/input/region.ts), usage error (exit 2) otherwise. */
export function parseRegion(value: string): string {
  if (!isRegion(value)) throw new InvalidArgumentError(REGION_RULE);
  return value;
}

/** A region from the environment (AWS_REGION as a default): refused as bad input, without echoing it. */
export function checkedRegion(value: string, source: string): string {
  if (!isRegion(value)) throw new BadInputError([{ file: 'environment', path: source, message: REGION_RULE }]);
  return value;
}
