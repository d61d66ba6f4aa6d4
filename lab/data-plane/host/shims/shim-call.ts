import type { HostServices, ServiceResult } from '../host-services.ts';

/** One command a shim forwarded from inside the instance. */
export interface ShimCall {
  /** Command name as called (systemctl, start, yum…). */
  name: string;
  argv: string[];
  /** Working directory and environment of the calling shell (read from /proc/<pid>). */
  cwd: string;
  env: Record<string, string>;
  /** Reads a file of the instance's filesystem view, relative paths from cwd; undefined when absent. */
  readFile(path: string): Promise<string | undefined>;
}

export type ShimHandler = (call: ShimCall, services: HostServices) => Promise<ServiceResult>;

export const ok = (stdout = ''): ServiceResult => ({ exitCode: 0, stdout, stderr: '' });
export const fail = (exitCode: number, stderr: string): ServiceResult => ({
  exitCode,
  stdout: '',
  stderr: stderr.endsWith('\n') ? stderr : `${stderr}\n`,
});

/** Units that exist on Amazon Linux but do not matter to credentials: commands on them just succeed. */
export const INERT_UNITS = new Set([
  'amazon-ssm-agent',
  'sshd',
  'chronyd',
  'crond',
  'rsyslog',
  'cloud-init',
  'cloud-final',
  'cloud-config',
  'network',
  'NetworkManager',
  'systemd-networkd',
  'containerd',
  'auditd',
]);

export function unitName(text: string): string {
  return text.replace(/\.(service|socket|target)$/, '');
}
