import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { InstanceAccess } from './instance-access.ts';
import type { ServiceResult } from './service-result.ts';

/** Network sysctls live in the network namespace; everything else is global to the machine. */
export function isPerInstanceSysctl(key: string): boolean {
  return /^net[./]/.test(key);
}

/** sysctl.conf syntax: `key = value`, `#`/`;` comments, a leading `-` ignores errors. */
export function parseSysctlFile(text: string): [string, string][] {
  const settings: [string, string][] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.length === 0 || line.startsWith('#') || line.startsWith(';')) continue;
    const equals = line.indexOf('=');
    if (equals <= 0) continue;
    settings.push([line.slice(0, equals).trim().replace(/^-/, ''), line.slice(equals + 1).trim()]);
  }
  return settings;
}

/**
 * Writes `net.*` keys (per network namespace, so per instance); other keys would change the whole
 * machine and are skipped with a note.
 */
export async function applySysctl(
  instance: InstanceAccess,
  settings: readonly [string, string][],
): Promise<ServiceResult> {
  let stdout = '';
  let stderr = '';
  let exitCode = 0;
  for (const [key, value] of settings) {
    if (!isPerInstanceSysctl(key)) {
      stderr += `sysctl (lab): ${key} is not per-instance (it would change the whole machine); skipped\n`;
      continue;
    }
    const result = await instance.exec('sysctl', ['-w', `${key}=${value}`]);
    stdout += result.stdout ? `${result.stdout}\n` : '';
    stderr += result.stderr ? `${result.stderr}\n` : '';
    if (result.exitCode !== 0) exitCode = result.exitCode;
  }
  return { exitCode, stdout, stderr };
}

/** systemd-sysctl / rc.sysinit at boot: settings the instance's disk holds in /etc/sysctl.conf and /etc/sysctl.d. */
export async function bootSysctl(instance: InstanceAccess, rootDir: string): Promise<void> {
  const settings: [string, string][] = [];
  const dir = '/etc/sysctl.d';
  const files = (await readdir(join(rootDir, dir)).catch(() => [] as string[]))
    .filter((name) => name.endsWith('.conf'))
    .sort()
    .map((name) => `${dir}/${name}`);
  for (const file of [...files, '/etc/sysctl.conf']) {
    const text = await readFile(join(rootDir, file), 'utf8').catch(() => undefined);
    if (text !== undefined) settings.push(...parseSysctlFile(text));
  }
  if (settings.length === 0) return;
  const result = await applySysctl(instance, settings);
  instance.log(`boot: sysctl settings from the instance's /etc applied (${settings.map(([key]) => key).join(', ')})`);
  if (result.stderr) instance.log(result.stderr.trim());
}
