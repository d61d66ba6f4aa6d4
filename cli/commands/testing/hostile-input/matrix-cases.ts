import { execFileSync } from 'node:child_process';
import { mkdir, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { HostileCase } from './hostile-case.ts';

const MiB = 1024 * 1024;
const write = async (dir: string, name: string, content: string | Uint8Array) => {
  const file = join(dir, name);
  await writeFile(file, content);
  return file;
};
const matrix = (name: string, content: string | Uint8Array) => async (dir: string) => {
  const file = await write(dir, name, content);
  return { args: ['plan', '--matrix', file], file };
};
/** `ami: [al2023-ecs, al2023-ecs, …]`: a list of n values (repeats are allowed, so products grow freely). */
const repeated = (dimension: string, value: string, n: number) => `${dimension}: [${Array(n).fill(value).join(', ')}]`;

/** Nine levels of nine aliases each: 9^9 values if expanded. */
function billionLaughs(): string {
  const lines = ['a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
  for (let level = 1; level < 9; level += 1) {
    lines.push(
      `a${level}: &a${level} [${Array(9)
        .fill(`*a${level - 1}`)
        .join(', ')}]`,
    );
  }
  return `${lines.join('\n')}\ncells: *a8\n`;
}

/** Malformed matrix files for `plan --matrix` (the same loader serves `run`). */
export const MATRIX_CASES: HostileCase[] = [
  {
    id: 'YAML alias bomb (billion laughs)',
    giant: true,
    setup: matrix('bomb.yaml', billionLaughs()),
    expect: /the YAML aliases \(\*name\) expand to more than 10000 values \(nested aliases\)/,
  },
  {
    id: '5,000 aliases in cells',
    giant: true,
    setup: matrix('aliases.yaml', `x: &x { network: host }\ncells:\n${'  - *x\n'.repeat(5000)}`),
    expect: /more than 100 YAML aliases/,
  },
  {
    id: 'a 50 MB matrix (not read: its size is checked first)',
    giant: true,
    setup: async (dir) => {
      const file = await write(dir, 'huge.yaml', '');
      await truncate(file, 50 * MiB);
      return { args: ['plan', '--matrix', file], file };
    },
    expect: /larger than the limit of 1048576 bytes \(it has 52428800 bytes\)/,
  },
  {
    id: 'a 15 MB name',
    giant: true,
    setup: matrix('name.yaml', `name: ${'n'.repeat(15 * MiB)}\n`),
    expect: /larger than the limit of 1048576 bytes/,
  },
  {
    id: '/dev/zero',
    giant: true,
    setup: async () => ({ args: ['plan', '--matrix', '/dev/zero'], file: '/dev/zero' }),
    expect: /is a device or socket, not a regular file/,
  },
  {
    id: 'a FIFO (must not wait for a writer)',
    giant: true,
    setup: async (dir) => {
      const file = join(dir, 'fifo.yaml');
      execFileSync('mkfifo', [file]);
      return { args: ['plan', '--matrix', file], file };
    },
    expect: /is a named pipe \(FIFO\); expected a regular file/,
  },
  {
    id: 'a directory',
    setup: async (dir) => {
      await mkdir(join(dir, 'adir'));
      return { args: ['plan', '--matrix', join(dir, 'adir')], file: join(dir, 'adir') };
    },
    expect: /is a directory; expected a regular file/,
  },
  {
    id: 'a cross product of 10^7 cells',
    giant: true,
    setup: matrix(
      'cross7.yaml',
      `cross:\n  - ${[
        'ami: al2023-ecs',
        'network: bridge',
        'client: awscli-v2',
        'load: single',
        'imds: reachable',
        'trust: ecs-tasks',
        'taskRole: set',
      ]
        .map((pair) => repeated(pair.split(': ')[0] as string, pair.split(': ')[1] as string, 10))
        .join('\n    ')}\n`,
    ),
    expect:
      /cross\[0\]: the matrix expands to 10000001 cells \(cross\[0\] alone is 10000000\); the limit is 2000 \(raise it with --max-cells\)/,
  },
  {
    id: 'a cross product of 1.6·10^6 cells',
    giant: true,
    setup: matrix(
      'cross16.yaml',
      `cross:\n  - ${repeated('ami', 'al2-ecs', 40)}\n    ${repeated('network', 'host', 40)}\n    ${repeated('load', 'burst', 1000)}\n`,
    ),
    expect: /alone is 1600000\); the limit is 2000/,
  },
  {
    id: 'a cross product of 4·10^5 cells',
    setup: matrix(
      'cross4.yaml',
      `cross:\n  - ${repeated('ami', 'al2-ecs', 20)}\n    ${repeated('network', 'host', 20)}\n    ${repeated('load', 'burst', 1000)}\n`,
    ),
    expect: /alone is 400000\); the limit is 2000/,
  },
  {
    id: '4 KB of binary',
    setup: matrix(
      'binary.yaml',
      Uint8Array.from({ length: 4096 }, (_, i) => (i * 73 + 11) % 256),
    ),
    expect: /the file is a binary file, not text \(NUL byte at offset \d+\)/,
  },
  {
    id: '100,000 bad cells (counted before they are parsed)',
    giant: true,
    setup: matrix('cells100k.yaml', `cells: [${'{a: b},'.repeat(100_000)}]\n`),
    expect: /more than 200000 YAML tokens/,
  },
  {
    id: '12,000 cells (one list too long)',
    setup: matrix('cells12k.yaml', `cells: [${'{},'.repeat(12_000)}]\n`),
    expect: /cells: 12000 entries; the limit is 10000 per list or mapping/,
  },
  {
    id: '5,000 bad cells: twenty problems and a count',
    setup: matrix('cells5k.yaml', `cells:\n${'  - { network: hots }\n'.repeat(5000)}`),
    expect: /cells\[0\]\.network: "hots" is not a network value[\s\S]*\n… and 4980 more problems\n$/,
  },
  {
    id: 'rpsLimit "1,load=burst" (would collide with another cell id)',
    setup: matrix('rps-collide.yaml', 'cells: [{ rpsLimit: "1,load=burst" }, { rpsLimit: "1", load: burst }]\n'),
    expect: /cells\[0\]\.rpsLimit: "1,load=burst" is not a rpsLimit value; accepted: default, steady,burst/,
  },
  {
    id: 'rpsLimit with a right-to-left override',
    setup: matrix('rps-rtl.yaml', 'vary: { rpsLimit: ["1,1\u202e"] }\n'),
    expect: /vary\.rpsLimit\[0\]: "1,1\\u202e" is not a rpsLimit value/,
  },
  {
    id: 'rpsLimit with a NUL',
    setup: matrix('rps-nul.yaml', 'cells: [{ rpsLimit: "1,1\\0" }]\n'),
    expect: /cells\[0\]\.rpsLimit: "1,1\\u0000" is not a rpsLimit value/,
  },
  {
    id: 'rpsLimit with a command substitution',
    setup: matrix('rps-shell.yaml', 'cells: [{ rpsLimit: "$(reboot)" }]\n'),
    expect: /cells\[0\]\.rpsLimit: "\$\(reboot\)" is not a rpsLimit value/,
  },
  {
    id: 'rpsLimit zero',
    setup: matrix('rps-zero.yaml', 'cells: [{ rpsLimit: "0,5" }]\n'),
    expect: /"0,5" is not a rpsLimit value/,
  },
  {
    id: 'a name with a command substitution',
    setup: matrix('name-shell.yaml', 'name: "nightly $(id)"\n'),
    expect: /name: expected 1–100 letters, digits, spaces or \. _ : \/ \+ -/,
  },
  {
    id: 'a name with bidi characters',
    setup: matrix('name-bidi.yaml', 'name: "night\u2067ly"\n'),
    expect: /name: expected 1–100 letters/,
  },
  {
    id: 'a 2,000-character name',
    setup: matrix('name-long.yaml', `name: ${'n'.repeat(2000)}\n`),
    expect: /name: a string of 2000 characters; the limit is 1000/,
  },
  {
    id: 'an ESC sequence in an override reason',
    setup: matrix('because.yaml', 'expect: [{ when: {}, outcome: TASK_ROLE, because: "ok\\e]0;pwned\\a" }]\n'),
    expect: /expect\[0\]\.because: control, NUL or bidi characters are not accepted/,
  },
  {
    id: 'UTF-16 little-endian with a byte order mark',
    setup: matrix('utf16le.yaml', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('name: x\n', 'utf16le')])),
    expect: /the file is UTF-16 \(little-endian, with a byte order mark\); save it as UTF-8/,
  },
  {
    id: 'UTF-16 big-endian with a byte order mark',
    setup: matrix('utf16be.yaml', Buffer.from([0xfe, 0xff, 0, 0x6e, 0, 0x3a, 0, 0x20, 0, 0x78])),
    expect: /the file is UTF-16 \(big-endian, with a byte order mark\)/,
  },
  {
    id: 'UTF-16 without a byte order mark',
    setup: matrix('utf16.yaml', Buffer.from('name: x\n', 'utf16le')),
    expect: /looks like UTF-16 \(NUL in every other byte\); save it as UTF-8/,
  },
  {
    id: 'Latin-1, not UTF-8',
    setup: matrix('latin1.yaml', Buffer.from('name: caf\xe9\n', 'latin1')),
    expect: /is not UTF-8 text \(invalid byte sequence near offset 9\)/,
  },
  {
    id: '!!binary',
    setup: matrix('binary-tag.yaml', 'name: !!binary aGVsbG8=\n'),
    expect: /name: YAML !!binary values are not accepted/,
  },
  {
    id: '!!set',
    setup: matrix('set.yaml', 'vary: { network: !!set { host } }\n'),
    expect: /vary\.network: YAML !!set values/,
  },
  {
    id: '!!timestamp',
    setup: matrix('timestamp.yaml', 'name: !!timestamp 2001-12-14\n'),
    expect: /name: YAML !!timestamp values/,
  },
  {
    id: 'an unknown tag',
    setup: matrix('tag.yaml', 'name: !foo bar\n'),
    expect: /line 1, column 7: syntax error: Unresolved tag: !foo/,
  },
  {
    id: 'nesting 100 levels deep',
    setup: matrix('deep100.yaml', `cells: ${'['.repeat(100)}${']'.repeat(100)}\n`),
    expect: /nested more than 16 levels deep/,
  },
  {
    id: 'nesting 100,000 levels deep',
    giant: true,
    setup: matrix('deep100k.yaml', `cells: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`),
    expect: /more than 200000 YAML tokens/,
  },
  {
    id: 'a 2,000-character dimension name',
    setup: matrix('key.yaml', `cells: [{ ${'k'.repeat(2000)}: host }]\n`),
    expect: /cells\[0\]: a key of 2000 characters; the limit is 1000/,
  },
  {
    id: 'duplicate keys',
    setup: matrix('dup.yaml', 'name: a\nname: b\n'),
    expect: /syntax error: Map keys must be unique/,
  },
  {
    id: 'a syntax error',
    setup: matrix('syntax.yaml', 'vary: { network: [host\n'),
    expect: /line \d+, column \d+: syntax error/,
  },
  { id: 'an empty file', setup: matrix('empty.yaml', ''), expect: /the matrix is empty/ },
  {
    id: 'a missing file',
    setup: async (dir) => ({ args: ['plan', '--matrix', join(dir, 'nope.yaml')], file: join(dir, 'nope.yaml') }),
    expect: /cannot read the matrix file: file not found/,
  },
  {
    id: '--max-cells below the matrix',
    setup: async () => ({ args: ['plan', '--max-cells', '10'], file: 'default.yaml' }),
    // The default matrix has a product larger than 10 on its own, which the message names.
    expect:
      /the matrix expands to \d+ cells( \(cross\[\d+\] alone is \d+\))?; the limit is 10 \(raise it with --max-cells\)/,
  },
  {
    id: '--max-instances below the matrix',
    setup: async () => ({ args: ['plan', '--max-instances', '2'], file: 'default.yaml' }),
    expect:
      /the matrix needs \d+ container instances \(instance groups\); the limit is 2 \(raise it with --max-instances\)/,
  },
  {
    id: '--max-cells that is not a number',
    usage: true,
    setup: async () => ({ args: ['plan', '--max-cells', 'lots'] }),
    expect: /option '--max-cells <n>' argument 'lots' is invalid\. expected a whole number from 1 to 10000000/,
  },
];
