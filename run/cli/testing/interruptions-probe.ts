/**
 * A stand-in for `ecs-taskrole run` in its own process (run/cli/interruptions.spec.ts). `held`: holds signals as
 * the bin does, receives a SIGTERM and a SIGINT while "loading", then watches and prints what it got.
 * `launcher FILE`: writes `watching` to FILE, then the interruption it got once reparented (`nothing` after 60 s).
 */
import { writeFileSync } from 'node:fs';
import { holdSignals } from '../early-signals.ts';
import { watchInterruptions } from '../interruptions.ts';

const say = (line: string) => process.stderr.write(`${line}\n`);

if (process.argv[2] === 'held') {
  holdSignals();
  process.kill(process.pid, 'SIGTERM');
  process.kill(process.pid, 'SIGINT');
  await new Promise((resolve) => setTimeout(resolve, 200));
  const interruptions = watchInterruptions(say);
  process.stdout.write(`received ${interruptions.received()}\naborted ${interruptions.signal.aborted}\n`);
  interruptions.dispose();
} else {
  const file = process.argv[3] ?? '';
  holdSignals();
  const interruptions = watchInterruptions(say);
  writeFileSync(file, 'watching');
  const deadline = Date.now() + 60_000;
  while (interruptions.received() === undefined && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  interruptions.dispose();
  writeFileSync(file, interruptions.received() ?? 'nothing');
}
