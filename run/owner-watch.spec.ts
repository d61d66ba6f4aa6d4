import { expect, test } from '@playwright/test';
import { execa } from 'execa';
import { watchOwner } from './owner-watch.ts';

// The runner spawned by its run (the reparenting branch) is checked end to end in
// cli/commands/run-interrupted.spec.ts; this is the branch for an owner that is not the parent.

test('an owner that is not this process’s parent: gone once its pid is gone', async () => {
  const owner = execa('sleep', ['60'], { reject: false });
  let gone = 0;
  const stop = watchOwner({ ownerPid: owner.pid ?? 0, onGone: () => gone++, intervalMs: 20 });
  try {
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(gone).toBe(0);
    owner.kill('SIGKILL');
    await owner;
    await expect.poll(() => gone).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(gone, 'called once').toBe(1);
  } finally {
    stop();
    owner.kill('SIGKILL');
  }
});

test('an owner that lives on: never gone', async () => {
  let gone = 0;
  const stop = watchOwner({ ownerPid: process.pid, onGone: () => gone++, intervalMs: 20 });
  await new Promise((resolve) => setTimeout(resolve, 200));
  stop();
  expect(gone).toBe(0);
});
