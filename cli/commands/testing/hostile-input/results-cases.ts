import { execFileSync } from 'node:child_process';
import { mkdir, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunResults } from '../../../../core/results/results-schema.ts';
import { syntheticResults } from '../../../../reports/testing/synthetic-results.ts';
import type { HostileCase } from './hostile-case.ts';

const MiB = 1024 * 1024;
type Mutable = { [key: string]: unknown };

/** A valid results file with one change: `edit` gets a deep copy (as plain JSON) to spoil. */
const results =
  (name: string, edit: (results: RunResults & Mutable) => unknown = (r) => r, command = 'report') =>
  async (dir: string) => {
    const value = structuredClone(syntheticResults({ cells: 3 })) as RunResults & Mutable;
    const edited = edit(value) ?? value;
    const file = join(dir, name);
    await writeFile(file, typeof edited === 'string' || edited instanceof Uint8Array ? edited : JSON.stringify(edited));
    const args = command === 'diff' ? ['diff', file, file] : ['report', file, '--out', join(dir, 'out')];
    return { args, file };
  };
const cell = (r: RunResults, index = 0) => r.cells[index] as RunResults['cells'][number] & Mutable;

function deepValue(depth: number): string {
  return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

/** Malformed results files for `report` and `diff`. */
export const RESULTS_CASES: HostileCase[] = [
  {
    id: 'a 20 MB schemaVersion string (not echoed)',
    giant: true,
    setup: results('version.json', (r) => ({ ...r, schemaVersion: 'v'.repeat(20 * MiB) })),
    expect:
      /schemaVersion: schemaVersion "v{40}… \(20971480 more characters\)"; this ecs-taskrole reads results schema version 1/,
  },
  {
    id: 'a 100,000-deep taskDefinition',
    giant: true,
    setup: results('deep.json', (r) =>
      JSON.stringify(r).replace('"taskDefinition":{', `"taskDefinition":{"deep":${deepValue(100_000)},`),
    ),
    expect: /cells\[0\]\.details\.taskDefinition\.deep(\.a)+: nested more than 32 levels deep/,
  },
  {
    id: 'a 70 MB results file (not read: its size is checked first)',
    giant: true,
    setup: async (dir) => {
      const file = join(dir, 'huge.json');
      await writeFile(file, '');
      await truncate(file, 70 * MiB);
      return { args: ['report', file], file };
    },
    expect: /cannot read the results file: larger than the limit of 67108864 bytes \(it has 73400320 bytes\)/,
  },
  {
    id: 'results: a FIFO',
    giant: true,
    setup: async (dir) => {
      const file = join(dir, 'fifo.json');
      execFileSync('mkfifo', [file]);
      return { args: ['report', file], file };
    },
    expect: /cannot read the results file: is a named pipe \(FIFO\)/,
  },
  {
    id: 'results: /dev/zero',
    giant: true,
    setup: async () => ({ args: ['diff', '/dev/zero', '/dev/zero'], file: '/dev/zero' }),
    expect: /cannot read the results file: is a device or socket/,
  },
  {
    id: 'results: a directory',
    setup: async (dir) => {
      await mkdir(join(dir, 'adir'));
      return { args: ['report', join(dir, 'adir')], file: join(dir, 'adir') };
    },
    expect: /cannot read the results file: is a directory/,
  },
  {
    id: 'results: binary',
    setup: results('binary.json', () => Uint8Array.from({ length: 4096 }, (_, i) => (i * 73 + 11) % 256)),
    expect: /the file is a binary file, not text/,
  },
  {
    id: 'results: UTF-16',
    setup: results('utf16.json', (r) =>
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(JSON.stringify(r), 'utf16le')]),
    ),
    expect: /the file is UTF-16/,
  },
  { id: 'results: not JSON', setup: results('broken.json', () => '{"schemaVersion":'), expect: /not JSON: / },
  {
    id: '--out pointing at an existing file',
    setup: async (dir) => {
      const made = await results('ok.json')(dir);
      const taken = join(dir, 'taken');
      await writeFile(taken, 'x');
      return { args: ['report', made.file, '--out', taken], file: taken };
    },
    expect: /--out: exists and is not a directory; expected a directory \(created if missing\)/,
  },
  {
    id: '--out below a file',
    setup: async (dir) => {
      const made = await results('ok.json')(dir);
      await writeFile(join(dir, 'taken'), 'x');
      return { args: ['report', made.file, '--out', join(dir, 'taken', 'sub')], file: join(dir, 'taken', 'sub') };
    },
    expect: /--out: a part of the path is a file, not a directory/,
  },
  {
    id: 'duplicate cell ids',
    setup: results('dup.json', (r) => ({ ...r, cells: [cell(r), cell(r)] })),
    expect: /cells\[1\]\.id: a second cell with this id/,
  },
  {
    id: 'a 1e308 ms duration',
    setup: results('duration.json', (r) => {
      cell(r).durationMs = 1e308;
    }),
    expect: /cells\[0\]\.durationMs: expected a duration of at most 2592000000 ms/,
  },
  {
    id: 'an infinite duration (1e999)',
    setup: results('infinite.json', (r) => JSON.stringify(r).replace(/"durationMs":\d+/, '"durationMs":1e999')),
    expect: /run\.durationMs: Invalid input: expected number, received Infinity/,
  },
  {
    id: 'a negative duration',
    setup: results('negative.json', (r) => {
      cell(r).durationMs = -5;
    }),
    expect: /cells\[0\]\.durationMs: expected a duration ≥ 0 ms/,
  },
  {
    id: 'a fractional exit code',
    setup: results('exit.json', (r) => {
      (cell(r).details as Mutable).exitCode = 1.5;
    }),
    expect: /cells\[0\]\.details\.exitCode: /,
  },
  {
    id: 'an impossible date (February 30)',
    setup: results('date.json', (r) => {
      r.run.startedAt = '2026-02-30T02:00:00.000Z';
    }),
    expect: /run\.startedAt: not a real date between the years 2000 and 2200/,
  },
  {
    id: 'a date that is not ISO 8601',
    setup: results('date2.json', (r) => {
      r.run.startedAt = 'yesterday';
    }),
    expect: /run\.startedAt: expected an ISO 8601 UTC time/,
  },
  {
    id: 'ANSI escapes in a cell id (clear screen, window title)',
    setup: results(
      'ansi.json',
      (r) => {
        cell(r).id = 'baseline\u001b[2J\u001b]0;pwned\u0007';
      },
      'diff',
    ),
    expect: /cells\[0\]\.id: control, NUL or bidi characters are not accepted in a name or id/,
  },
  {
    id: 'a control character in the run id',
    setup: results('runid.json', (r) => {
      r.run.runId = 'run\u0000x';
    }),
    expect: /run\.runId: control, NUL or bidi characters are not accepted/,
  },
  {
    id: 'an unknown dimension value',
    setup: results('dimension.json', (r) => {
      (cell(r).dimensions as Mutable).network = 'hots';
    }),
    expect: /cells\[0\]\.dimensions\.network: not a network value/,
  },
  {
    id: 'a 300,000-character evidence text',
    setup: results('text.json', (r) => {
      cell(r).actual.evidence.decidedBy = 'x'.repeat(300_000);
    }),
    expect: /cells\[0\]\.actual\.evidence\.decidedBy: longer than 262144 characters/,
  },
  {
    id: 'a 300,000-character key in a taskDefinition',
    setup: results('tdkey.json', (r) => {
      cell(r).details.taskDefinition = { family: 'f', nested: { ['k'.repeat(300_000)]: 1 } };
    }),
    expect: /cells\[0\]\.details\.taskDefinition\.nested: a key longer than 262144 characters/,
  },
  {
    id: '1,000 broken cells: twenty problems and a count',
    setup: results('thousand.json', (r) => ({ ...r, cells: Array.from({ length: 1000 }, () => ({})) })),
    expect: /\n… and \d+ more problems\n$/,
  },
  {
    id: 'diff: one good file, one broken',
    setup: async (dir) => {
      const good = await results('good.json')(dir);
      const bad = await results('bad.json', (r) => ({ ...r, run: {} }))(dir);
      return { args: ['diff', good.file, bad.file], file: bad.file };
    },
    expect: /run\.runId: /,
  },
];
