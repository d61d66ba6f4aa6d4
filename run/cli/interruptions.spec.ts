/**
 * The run's interruptions in a process of its own: a signal that came while the run loaded its modules (the
 * bin held it) is acted on once the handlers are on, and the death of the launcher (reparenting) is an
 * interruption. End to end, through npx, in cli/commands/run-interrupted.spec.ts.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { execa } from 'execa';

const PROBE = fileURLToPath(new URL('./testing/interruptions-probe.ts', import.meta.url));

test('a SIGTERM held while the run loaded is its first interruption; later signals only say the teardown goes on', async () => {
  const probe = await execa(process.execPath, [PROBE, 'held'], { reject: false });
  expect(probe.stdout.trim().split('\n')).toEqual(['received SIGTERM', 'aborted true']);
  expect(probe.stderr).toContain('interrupted (SIGTERM)');
  expect(probe.stderr).toContain('SIGINT: still tearing down');
});

test('its launcher dying (the run is reparented) interrupts it', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'etr-launcher-'));
  const file = join(dir, 'probe');
  try {
    // sh starts the probe, waits until it watches, and exits: the probe is reparented, as under a wrapper
    // that died of a signal it did not pass on.
    const script = `"$0" "$1" launcher "$2" & while [ ! -s "$2" ]; do sleep 0.1; done`;
    const shell = await execa('sh', ['-c', script, process.execPath, PROBE, file], { reject: false });
    expect(shell.exitCode).toBe(0);
    await expect.poll(() => readFileSync(file, 'utf8'), { timeout: 90_000 }).toBe('launcher gone');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
