import { refuseReboot } from './registry.ts';
import { fail, ok, type ShimHandler } from './shim-call.ts';

/**
 * `shutdown`, `poweroff` and `halt` inside an instance: an instance-initiated shutdown, which EC2 answers
 * with the instance's InstanceInitiatedShutdownBehavior (stop or terminate; the data plane asks the control
 * plane). `shutdown +N` schedules it (a timer of the simulator: like Linux's, gone after a reboot), `-c`
 * cancels it. Rebooting from inside stays unsimulated (the instance handle's reboot() is).
 */
export interface PowerControl {
  handlers: Record<'shutdown' | 'poweroff' | 'halt', ShimHandler>;
  /** Drops a scheduled shutdown (the instance rebooted or went away). */
  cancel(): void;
}

export function powerControl(options: { powerOff: () => void; log: (line: string) => void }): PowerControl {
  let timer: NodeJS.Timeout | undefined;
  const cancel = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
  };
  const now = () => {
    cancel();
    options.log('shutdown: powering off (instance-initiated shutdown)');
    // After the shim has answered: the caller's shell is part of what powers off.
    setImmediate(options.powerOff);
    return ok();
  };
  const shutdown: ShimHandler = async (call, services) => {
    const flags = call.argv.filter((arg) => arg.startsWith('-'));
    const words = call.argv.filter((arg) => !arg.startsWith('-'));
    if (flags.some((flag) => flag === '-r' || flag === '--reboot')) return refuseReboot(call, services);
    if (flags.includes('-c')) {
      cancel();
      options.log('shutdown: scheduled shutdown cancelled');
      return ok();
    }
    const when = words[0] ?? '+1';
    if (when === 'now' || when === '+0') return now();
    const minutes = /^\+(\d+)$/.exec(when)?.[1];
    if (minutes === undefined) return fail(1, `shutdown (lab): only "now" and "+MINUTES" are simulated, not ${when}`);
    cancel();
    timer = setTimeout(() => void now(), Number(minutes) * 60_000);
    timer.unref();
    options.log(
      `shutdown: scheduled in ${minutes} min (at ${new Date(Date.now() + Number(minutes) * 60_000).toISOString()})`,
    );
    return ok();
  };
  const immediate: ShimHandler = async () => now();
  return { handlers: { shutdown, poweroff: immediate, halt: immediate }, cancel };
}
