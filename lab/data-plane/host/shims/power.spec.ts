import { mock } from 'node:test';
import { expect, test } from '@playwright/test';
import { powerControl } from './power.ts';
import type { ShimCall } from './shim-call.ts';

const call = (name: string, argv: string[]): ShimCall => ({
  name,
  argv,
  cwd: '/',
  env: {},
  readFile: async () => undefined,
});

function control() {
  const lines: string[] = [];
  let powerOffs = 0;
  const power = powerControl({ log: (line) => lines.push(line), powerOff: () => (powerOffs += 1) });
  return { power, lines, powerOffs: () => powerOffs };
}

test('shutdown now and poweroff power the instance off (after the shim answered)', async () => {
  const { power, powerOffs } = control();
  expect((await power.handlers.shutdown(call('shutdown', ['-h', 'now']), {} as never)).exitCode).toBe(0);
  expect((await power.handlers.poweroff(call('poweroff', []), {} as never)).exitCode).toBe(0);
  await new Promise((resolve) => setImmediate(resolve));
  expect(powerOffs()).toBe(2);
});

test('shutdown +N powers off N minutes later; -c and a reboot (cancel) drop the schedule', async () => {
  // The schedule's timer on a mocked clock: a dropped schedule is seen not to fire.
  mock.timers.enable({ apis: ['setTimeout'] });
  try {
    const { power, lines, powerOffs } = control();
    const afterMinutes = async (minutes: number) => {
      mock.timers.tick(minutes * 60_000);
      await new Promise((resolve) => setImmediate(resolve));
    };
    expect((await power.handlers.shutdown(call('shutdown', ['-h', '+30']), {} as never)).exitCode).toBe(0);
    expect(lines.join('\n')).toMatch(/shutdown: scheduled in 30 min/);
    expect((await power.handlers.shutdown(call('shutdown', ['-c']), {} as never)).exitCode).toBe(0);
    expect(lines.join('\n')).toContain('scheduled shutdown cancelled');
    await afterMinutes(30);
    expect(powerOffs()).toBe(0);

    await power.handlers.shutdown(call('shutdown', ['-h', '+30']), {} as never);
    power.cancel();
    await afterMinutes(30);
    expect(powerOffs()).toBe(0);

    await power.handlers.shutdown(call('shutdown', ['-h', '+30']), {} as never);
    await afterMinutes(29);
    expect(powerOffs()).toBe(0);
    await afterMinutes(1);
    expect(powerOffs()).toBe(1);
  } finally {
    mock.timers.reset();
  }
});

test('a reboot or a clock time is not simulated: exit 1, nothing happens', async () => {
  const { power, powerOffs } = control();
  expect((await power.handlers.shutdown(call('shutdown', ['-r', 'now']), {} as never)).exitCode).toBe(1);
  expect((await power.handlers.shutdown(call('shutdown', ['-h', '23:00']), {} as never)).exitCode).toBe(1);
  await new Promise((resolve) => setImmediate(resolve));
  expect(powerOffs()).toBe(0);
});
