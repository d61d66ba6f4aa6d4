import type { RunResults } from '../../core/results/results-schema.ts';
import { isSecretName, REDACTED, redactSecrets } from './redact-text.ts';

/** Deeper than any results.json the schema accepts (taskDefinition: 32): what lies below is dropped. */
const MAX_DEPTH = 64;

/**
 * One pass over every string of a value: strings are redacted, a value under a secret-named key
 * (`SecretAccessKey`, `password`…) is replaced whole, and so is the `value` of an ECS environment entry
 * whose `name` is a secret's. Returns a copy; keys and structure are kept.
 */
export function redactValue(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactSecrets(value);
  if (typeof value !== 'object' || value === null) return value;
  if (depth >= MAX_DEPTH) return REDACTED;
  if (Array.isArray(value)) return value.map((item) => redactValue(item, depth + 1));
  const entries = Object.entries(value);
  const secretEntry = entries.some(([key, item]) => key === 'name' && typeof item === 'string' && isSecretName(item));
  return Object.fromEntries(
    entries.map(([key, item]) => {
      const whole = (secretEntry && key === 'value') || (isSecretName(key) && typeof item === 'string');
      return [key, whole && item !== '' ? REDACTED : redactValue(item, depth + 1)];
    }),
  );
}

/** Results with every string field redacted: at write time (the reporter) and at read time (report, diff). */
export function redactResults(results: RunResults): RunResults {
  return redactValue(results) as RunResults;
}
