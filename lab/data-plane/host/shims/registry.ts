import type { AmiProfile } from '../ami-profiles.ts';
import { docker } from './docker.ts';
import { amazonLinuxExtras, packageManager } from './packages.ts';
import { fail, type ShimHandler } from './shim-call.ts';
import { sysctl } from './sysctl.ts';
import { systemctl } from './systemctl.ts';
import { chkconfig, service } from './sysv.ts';
import { upstartJob } from './upstart.ts';

/** Rebooting from inside an instance (`reboot`, `telinit`, `shutdown -r`) is not simulated. */
export const refuseReboot: ShimHandler = async (call) =>
  fail(1, `${call.name} (lab): rebooting from inside an instance is not simulated; use the instance handle's reboot()`);

/** Every command name a profile forwards to the host simulator. */
export function shimHandlers(profile: AmiProfile): Record<string, ShimHandler> {
  const handlers: Record<string, ShimHandler> = {
    docker,
    service,
    sysctl,
    reboot: refuseReboot,
    // Placeholders that reserve the names (shadowedCommands): each instance's power control
    // (power.ts, bound in boot-host.ts) answers them.
    shutdown: refuseReboot,
    halt: refuseReboot,
    poweroff: refuseReboot,
    telinit: refuseReboot,
  };
  for (const manager of profile.packageManagers) {
    handlers[manager] = manager === 'amazon-linux-extras' ? amazonLinuxExtras : packageManager;
  }
  if (profile.initSystem === 'systemd') {
    handlers.systemctl = systemctl;
    if (profile.name === 'al2-ecs') handlers.chkconfig = chkconfig;
  } else {
    for (const verb of ['start', 'stop', 'restart', 'status', 'initctl']) handlers[verb] = upstartJob;
    handlers.chkconfig = chkconfig;
  }
  return handlers;
}

/**
 * Commands an Amazon Linux instance of this profile does not have but this machine might (a real
 * `systemctl` or `apt-get` must not act on the machine): their shims say "command not found" (exit 127).
 */
export function absentCommands(profile: AmiProfile): string[] {
  const everything = [
    'systemctl',
    'start',
    'stop',
    'restart',
    'status',
    'initctl',
    'chkconfig',
    'yum',
    'dnf',
    'amazon-linux-extras',
    'apt',
    'apt-get',
    'dpkg',
    'snap',
  ];
  const present = shimHandlers(profile);
  return everything.filter((name) => !Object.hasOwn(present, name));
}

/**
 * Shims also bound over the machine's binary of the same name inside the instance (so `/usr/bin/systemctl`
 * is the shim too). Not sysctl: the simulator itself calls the real one.
 */
export function shadowedCommands(profile: AmiProfile): string[] {
  return [...Object.keys(shimHandlers(profile)), ...absentCommands(profile)].filter((name) => name !== 'sysctl');
}
