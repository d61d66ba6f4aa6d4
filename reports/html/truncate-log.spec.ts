import { expect, test } from '@playwright/test';
import { LOG_LIMITS, truncateLog } from './truncate-log.ts';

test('a short log is unchanged and has no note', () => {
  expect(truncateLog(['a', 'b'])).toEqual({ log: ['a', 'b'] });
});

test('too many lines: head and tail with a marker and a note', () => {
  const lines = Array.from({ length: 1000 }, (_, i) => `line ${i}`);
  const { log, note } = truncateLog(lines);
  expect(log).toHaveLength(LOG_LIMITS.lines + 1);
  expect(log[0]).toBe('line 0');
  expect(log.at(-1)).toBe('line 999');
  expect(log[LOG_LIMITS.lines / 2]).toBe('[… 600 lines left out …]');
  expect(note).toBe('600 of 1000 lines left out of the report; results.json has the full log');
});

test('too many characters: fewer lines until the log fits', () => {
  const lines = Array.from({ length: 100 }, () => 'x'.repeat(1_999));
  const { log } = truncateLog(lines);
  expect(log.join('\n').length).toBeLessThanOrEqual(LOG_LIMITS.chars + 100);
});

test('a very long line is cut and the note says so', () => {
  const { log, note } = truncateLog(['y'.repeat(10_000)]);
  expect(log[0]).toHaveLength(LOG_LIMITS.lineChars + ' … [line cut]'.length);
  expect(note).toContain('long lines cut');
});
