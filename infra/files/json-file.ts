/**
 * The run's JSON files (config, plan, backend record, state, journal): written atomically, owner-only, and
 * validated by their schema at every read, so a process never acts on half a file or on a file it
 * misunderstands.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { z } from 'zod';
import { InfrastructureError } from '../../core/errors.ts';
import { writeFileAtomic } from './atomic-file.ts';

export function writeJsonFile(file: string, value: unknown): void {
  writeFileAtomic(file, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
}

export function readJsonFile<S extends z.ZodType>(file: string, schema: S): z.infer<S> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new InfrastructureError(`${file}: not readable JSON (${(error as Error).message.slice(0, 200)})`);
  }
  const result = schema.safeParse(parsed);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue?.path.join('.') || '(top level)';
    throw new InfrastructureError(`${file}: ${where}: ${issue?.message ?? 'invalid'} (written by another version?)`);
  }
  return result.data;
}

export function readJsonFileIfExists<S extends z.ZodType>(file: string, schema: S): z.infer<S> | undefined {
  return existsSync(file) ? readJsonFile(file, schema) : undefined;
}
