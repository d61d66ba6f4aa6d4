import type { InputProblem } from '../errors.ts';
import { MATRIX_STRUCTURE_LIMITS as LIMITS } from '../limits.ts';
import { formatPath } from './format-path.ts';

/** YAML types other than mappings, lists and scalars, by what `yaml` turns them into. */
const FOREIGN_TYPES: [test: (value: object) => boolean, tag: string][] = [
  [(value) => value instanceof Uint8Array, '!!binary'],
  [(value) => value instanceof Set, '!!set'],
  [(value) => value instanceof Map, '!!omap or !!pairs'],
  [(value) => value instanceof Date, '!!timestamp'],
];

/**
 * Checks the parsed document's shape before the schema sees it: only mappings, lists, strings, numbers,
 * booleans and null, nested at most maxDepth deep, strings at most maxStringLength, lists and mappings
 * at most maxEntries. Iterative (no recursion to overflow) and stops after a few problems.
 */
export function checkStructure(root: unknown, file: string, stopAfter = 21): InputProblem[] {
  const problems: InputProblem[] = [];
  const stack: { value: unknown; path: PropertyKey[] }[] = [{ value: root, path: [] }];
  const problem = (path: PropertyKey[], message: string) => problems.push({ file, path: formatPath(path), message });
  while (stack.length > 0 && problems.length < stopAfter) {
    const { value, path } = stack.pop() as { value: unknown; path: PropertyKey[] };
    if (typeof value === 'string') {
      if (value.length > LIMITS.maxStringLength) {
        problem(path, `a string of ${value.length} characters; the limit is ${LIMITS.maxStringLength}`);
      }
      continue;
    }
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) problem(path, 'expected a finite number');
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    const foreign = FOREIGN_TYPES.find(([test]) => test(value));
    if (foreign) {
      problem(path, `YAML ${foreign[1]} values are not accepted; expected a string, a list or a mapping`);
      continue;
    }
    if (path.length >= LIMITS.maxDepth) {
      problem(path, `nested more than ${LIMITS.maxDepth} levels deep; the matrix format needs at most 4`);
      continue;
    }
    const entries = Array.isArray(value) ? value.map((item, index) => [index, item] as const) : Object.entries(value);
    if (entries.length > LIMITS.maxEntries) {
      problem(path, `${entries.length} entries; the limit is ${LIMITS.maxEntries} per list or mapping`);
      continue;
    }
    for (const [key, item] of entries.reverse()) {
      if (typeof key === 'string' && key.length > LIMITS.maxStringLength) {
        problem(path, `a key of ${key.length} characters; the limit is ${LIMITS.maxStringLength}`);
        continue;
      }
      stack.push({ value: item, path: [...path, key] });
    }
  }
  return problems;
}
