/**
 * The machine's lab folder (LAB_ROOT), from which root runs the agent bundle and the instance shims, is
 * refused when another user could have planted it: owned by someone else, a symbolic link, writable by
 * group or others. Each case runs in a private mount namespace with /run of its own, so the machine's
 * real lab folder and the labs running beside this spec are never touched.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { execa } from 'execa';
import { labSkipReason } from './network/preflight.ts';

test.skip(labSkipReason() !== undefined, labSkipReason());
test.describe.configure({ timeout: 120_000 });

const PLANT = fileURLToPath(new URL('./testing/planted-lab-root.ts', import.meta.url));

const cases = [
  { scenario: 'other-owner', why: 'it is owned by uid 65534' },
  { scenario: 'symlink', why: 'it is a symbolic link' },
  { scenario: 'group-writable', why: 'group or others may write to it (mode 775)' },
] as const;

for (const { scenario, why } of cases) {
  test(`a planted lab folder (${scenario}) is refused with exit 3 and nothing is run from it`, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'etr-lab-root-'));
    try {
      const child = await execa(
        'unshare',
        ['--mount', '--propagation', 'private', process.execPath, PLANT, scenario, dir],
        { reject: false },
      );
      expect(child.exitCode, child.stderr).toBe(0);
      const seen = JSON.parse(child.stdout) as {
        up: { exitCode: number; stderr: string };
        sweep: { exitCode: number; stderr: string };
        entries: string[];
        state: boolean;
        unchanged: boolean;
      };
      for (const command of [seen.up, seen.sweep]) {
        expect(command.exitCode, command.stderr).toBe(3);
        expect(command.stderr).toContain(`refusing /run/ecs-taskrole-lab: ${why}`);
        expect(command.stderr).not.toMatch(/\n\s+at /);
      }
      // Refused before anything started: no control plane, nothing written where the folder leads.
      expect(seen.state).toBe(false);
      expect(seen.entries).toEqual([]);
      expect(seen.unchanged).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
}
