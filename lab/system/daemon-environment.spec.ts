/**
 * The lab's daemons start with an allow-listed environment: a caller's AWS keys (a CI job's real ones)
 * never live on in moto or the data plane, which outlast the command that started them.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { runCli } from '../../testing/run-cli.ts';
import { labSkipReason } from '../data-plane/network/preflight.ts';
import { labDown } from '../lab-lifecycle.ts';
import { readLabState } from '../lab-state.ts';

test.skip(labSkipReason() !== undefined, labSkipReason());
test.describe.configure({ timeout: 180_000 });

const PLANTED = 'planted-secret-of-the-caller';

async function environmentOf(pid: number): Promise<Map<string, string>> {
  const text = await readFile(`/proc/${pid}/environ`, 'utf8');
  return new Map(
    text
      .split('\0')
      .filter(Boolean)
      .map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)] as const),
  );
}

test("moto and the data plane do not inherit the caller's AWS_* keys", async () => {
  const dir = await mkdtemp(join(tmpdir(), 'etr-daemon-env-'));
  const labDir = join(dir, 'lab');
  try {
    const up = await runCli(['lab', 'up'], {
      env: {
        ECS_TASKROLE_LAB_DIR: labDir,
        AWS_ACCESS_KEY_ID: 'AKIAPLANTEDPLANTED00',
        AWS_SECRET_ACCESS_KEY: PLANTED,
        AWS_SESSION_TOKEN: PLANTED,
      },
    });
    expect(up.exitCode, up.stderr).toBe(0);
    const lab = await readLabState(labDir);
    const pids = { moto: lab?.motoPid ?? -1, dataPlane: lab?.dataPlane?.pid ?? -1 };
    for (const [daemon, pid] of Object.entries(pids)) {
      const environment = await environmentOf(pid);
      expect(
        [...environment.keys()].filter((name) => name.startsWith('AWS_')),
        daemon,
      ).toEqual([]);
      expect(
        [...environment.values()].some((value) => value.includes(PLANTED)),
        daemon,
      ).toBe(false);
      expect(environment.get('PATH'), daemon).toBe(process.env.PATH);
    }
  } finally {
    await labDown(labDir);
    await rm(dir, { recursive: true, force: true });
  }
});
