import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InfrastructureError } from '../../../core/errors.ts';
import type { AmiProfile } from './ami-profiles.ts';

/**
 * Directories of the real filesystem an instance gets its own copy of: each is an overlay whose upper
 * layer is `<rootDir><dir>`, so the instance sees the machine's files but writes its own (user data that
 * writes /etc/ecs/ecs.config changes `<rootDir>/etc/ecs/ecs.config`, never the real /etc/ecs).
 */
export const OVERLAID_DIRS = ['/etc', '/var', '/root', '/home', '/opt', '/srv'] as const;
/** Mounted read-only inside the instance, so user data cannot change the machine's programs. */
export const READ_ONLY_DIRS = ['/usr'] as const;

export interface InstancePaths {
  /** The instance's folder: root/ (HostView.rootDir), overlay work dirs, lab/ (simulator files). */
  dir: string;
  rootDir: string;
  workDir: string;
  shimDir: string;
  controlSocket: string;
  statePath: string;
  userDataDir: string;
  /** The instance's console: what the simulator did at boot and on service changes, the user data's output. */
  consoleLog: string;
  userDataLog: string;
}

export function instancePaths(labDir: string, instanceId: string): InstancePaths {
  const dir = join(labDir, 'instances', instanceId);
  const lab = join(dir, 'lab');
  const paths = {
    dir,
    rootDir: join(dir, 'root'),
    workDir: join(dir, 'work'),
    shimDir: join(lab, 'bin'),
    controlSocket: join(lab, 'host.sock'),
    statePath: join(lab, 'state.json'),
    userDataDir: join(lab, 'user-data'),
    consoleLog: join(lab, 'console.log'),
    userDataLog: join(lab, 'user-data.log'),
  };
  // sockaddr_un holds 108 bytes.
  if (Buffer.byteLength(paths.controlSocket) > 107) {
    throw new InfrastructureError(`lab: path too long for a unix socket: ${paths.controlSocket}`);
  }
  for (const overlaid of OVERLAID_DIRS) {
    if (dir === overlaid || dir.startsWith(`${overlaid}/`)) {
      throw new InfrastructureError(`lab: the lab folder ${dir} lies under ${overlaid}, which instances overlay`);
    }
  }
  return paths;
}

/** AL1's /etc/rc.d/rc.local as the AMI ships it (initscripts). */
const RC_LOCAL =
  '#!/bin/sh\n#\n# This script will be executed *after* all the other init scripts.\n' +
  "# You can put your own initialization stuff in here if you don't\n# want to do the full Sys V style init stuff.\n\n" +
  'touch /var/lock/subsys/local\n';

/**
 * Lays out a new instance's disk: the AMI's files under rootDir (upper layers), overlay work dirs and the
 * simulator's folder. Only on first boot: a reboot keeps the disk.
 */
export async function createInstanceDisk(paths: InstancePaths, profile: AmiProfile): Promise<void> {
  for (const overlaid of OVERLAID_DIRS) {
    await mkdir(join(paths.rootDir, overlaid), { recursive: true });
    await mkdir(join(paths.workDir, overlaid), { recursive: true });
  }
  await mkdir(paths.shimDir, { recursive: true });
  await mkdir(paths.userDataDir, { recursive: true });
  const root = (path: string) => join(paths.rootDir, path);
  await mkdir(root('etc/sysconfig'), { recursive: true });
  await mkdir(root('var/log'), { recursive: true });
  if (profile.initSystem === 'systemd') await mkdir(root('etc/systemd/system'), { recursive: true });
  else {
    await mkdir(root('etc/init'), { recursive: true });
    // AL1 (SysV rc under upstart) runs /etc/rc.d/rc.local last at every boot; the AMI ships it.
    await mkdir(root('etc/rc.d'), { recursive: true });
    await writeFile(root('etc/rc.d/rc.local'), RC_LOCAL, { mode: 0o755 });
  }
  if (profile.ecsOptimized) {
    // The ECS-optimized AMIs ship an empty /etc/ecs/ecs.config and the agent's log and data folders.
    await mkdir(root('etc/ecs'), { recursive: true });
    await writeFile(root('etc/ecs/ecs.config'), '');
    await mkdir(root('var/log/ecs'), { recursive: true });
    await mkdir(root('var/lib/ecs/data'), { recursive: true });
    if (profile.initSystem === 'systemd') await mkdir(root('etc/systemd/system/ecs.service.d'), { recursive: true });
  }
}
