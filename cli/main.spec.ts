import { expect, test } from '@playwright/test';
import { BadInputError, InfrastructureError } from '../core/errors.ts';
import { DEBUG_ENV, reportError } from './main.ts';

function stderrOf(action: () => number): { code: number; text: string } {
  const chunks: string[] = [];
  const write = process.stderr.write;
  process.stderr.write = ((chunk: string) => chunks.push(chunk) > 0) as typeof process.stderr.write;
  try {
    return { code: action(), text: chunks.join('') };
  } finally {
    process.stderr.write = write;
  }
}

test('an unexpected failure is one escaped, capped line without a stack trace; exit 3', () => {
  const error = new RangeError(`Invalid string length \u001b[2J${'x'.repeat(10_000)}`);
  const { code, text } = stderrOf(() => reportError(error));
  expect(code).toBe(3);
  expect(text).toMatch(
    /^error: unexpected failure \(a bug or an infrastructure problem\): Invalid string length \\u001b\[2J/,
  );
  expect(text).toContain(`(set ${DEBUG_ENV}=1 for the stack trace)`);
  expect(text).not.toMatch(/^\s+at /m);
  expect(text.length).toBeLessThan(4_200);
});

test(`with ${DEBUG_ENV} set, the stack trace is printed`, () => {
  process.env[DEBUG_ENV] = '1';
  try {
    expect(stderrOf(() => reportError(new Error('boom'))).text).toMatch(/^\s+at /m);
  } finally {
    delete process.env[DEBUG_ENV];
  }
});

test('bad input exits 2 and infrastructure failures exit 3, each with its message only', () => {
  const bad = stderrOf(() => reportError(new BadInputError([{ file: 'f', path: 'p', message: 'm' }])));
  expect(bad).toEqual({ code: 2, text: 'error: bad input (nothing was created)\nf: p: m\n' });
  const infra = stderrOf(() => reportError(new InfrastructureError('moto \u001b]0;x\u0007 died')));
  expect(infra).toEqual({ code: 3, text: 'error: infrastructure failure: moto \\u001b]0;x\\u0007 died\n' });
});
