import { expect, test } from '@playwright/test';
import { consoleTail } from './console-tail.ts';
import { cellDetailsSchema, RESULTS_LIMITS } from './results-schema.ts';

const details = (console: string) => ({ instanceGroup: 'default', log: [], console });

test('a short console comes back with \\n line breaks, no escapes and no trailing blank lines', () => {
  expect(consoleTail('\x1b[0;32m  OK  \x1b[0m] Started docker.service\r\nline two\r\n\n')).toBe(
    '  OK  ] Started docker.service\nline two',
  );
  expect(consoleTail('')).toBe('');
  expect(consoleTail('\r\n\r\n')).toBe('');
});

test('a long console keeps its last lines, within both limits, which the schema accepts', () => {
  const many = Array.from({ length: 5_000 }, (_, index) => `line ${index}`).join('\n');
  const tail = consoleTail(many);
  const lines = tail.split('\n');
  expect(lines).toHaveLength(RESULTS_LIMITS.maxConsoleLines);
  expect(lines.at(-1)).toBe('line 4999');
  expect(cellDetailsSchema.safeParse(details(tail)).success).toBe(true);

  const wide = Array.from({ length: 50 }, (_, index) => `${index} ${'x'.repeat(900)}`).join('\n');
  const cut = consoleTail(wide);
  expect(cut.length).toBeLessThanOrEqual(RESULTS_LIMITS.maxConsoleChars);
  // Cut at a line start: the first line kept is whole.
  expect(cut.split('\n')[0]).toMatch(/^\d+ x{900}$/);
  expect(cut.endsWith(`49 ${'x'.repeat(900)}`)).toBe(true);
  expect(cellDetailsSchema.safeParse(details(cut)).success).toBe(true);

  const oneLine = consoleTail('y'.repeat(RESULTS_LIMITS.maxConsoleChars * 3));
  expect(oneLine).toHaveLength(RESULTS_LIMITS.maxConsoleChars);
});

test('the schema refuses a console beyond either limit', () => {
  const tooManyLines = Array.from({ length: RESULTS_LIMITS.maxConsoleLines + 1 }, () => 'x').join('\n');
  expect(cellDetailsSchema.safeParse(details(tooManyLines)).error?.issues[0]?.message).toBe(
    `more than ${RESULTS_LIMITS.maxConsoleLines} lines`,
  );
  const tooLong = 'x'.repeat(RESULTS_LIMITS.maxConsoleChars + 1);
  expect(cellDetailsSchema.safeParse(details(tooLong)).error?.issues[0]?.message).toBe(
    `longer than ${RESULTS_LIMITS.maxConsoleChars} characters`,
  );
  expect(cellDetailsSchema.safeParse({ instanceGroup: 'default', log: [] }).success).toBe(true);
});
