import { z } from 'zod';

/**
 * An ISO 8601 UTC timestamp as `Date#toISOString` writes it, for a date that exists (2026-02-30 does
 * not: `Date` would silently roll it over to March).
 */
export const isoDate = z.iso
  .datetime({ message: 'expected an ISO 8601 UTC time such as 2026-11-20T02:00:00.000Z' })
  .refine(
    (value) => {
      const time = Date.parse(value);
      if (Number.isNaN(time)) return false;
      const year = new Date(time).getUTCFullYear();
      return new Date(time).toISOString().slice(0, 10) === value.slice(0, 10) && year >= 2000 && year <= 2200;
    },
    { message: 'not a real date between the years 2000 and 2200' },
  );

/**
 * Any JSON value nested at most `maxDepth` deep, its strings (keys too) at most `maxString` long. The
 * walk is iterative, so a 100,000-deep value is one problem, not a stack overflow; the problem's path
 * points at where the limit was passed.
 */
export function boundedJson(maxDepth: number, maxString: number) {
  return z.unknown().superRefine((value, context) => {
    const stack: { value: unknown; path: PropertyKey[] }[] = [{ value, path: [] }];
    while (stack.length > 0) {
      const item = stack.pop() as { value: unknown; path: PropertyKey[] };
      if (typeof item.value === 'number' && !Number.isFinite(item.value)) {
        context.addIssue({ code: 'custom', path: item.path, message: 'expected a finite number' });
        return;
      }
      if (typeof item.value === 'string' && item.value.length > maxString) {
        context.addIssue({ code: 'custom', path: item.path, message: `longer than ${maxString} characters` });
        return;
      }
      if (typeof item.value !== 'object' || item.value === null) continue;
      if (item.path.length >= maxDepth) {
        context.addIssue({ code: 'custom', path: item.path, message: `nested more than ${maxDepth} levels deep` });
        return;
      }
      const entries = Array.isArray(item.value) ? item.value.entries() : Object.entries(item.value);
      for (const [key, child] of entries) {
        if (typeof key === 'string' && key.length > maxString) {
          context.addIssue({ code: 'custom', path: item.path, message: `a key longer than ${maxString} characters` });
          return;
        }
        stack.push({ value: child, path: [...item.path, key] });
      }
    }
  });
}
