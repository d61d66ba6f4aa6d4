import {
  closeSync,
  constants,
  fchmodSync,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { InfrastructureError } from '../core/errors.ts';
import { labAgentSchema } from '../core/run-config.ts';
import type { AwsTarget } from '../infra/backends/backend-record.ts';
import { credentialsOf, type LabIdentities } from './control-plane/identities.ts';
import { waitForTaskChanges } from './control-plane/task-push.ts';
import type { DataPlaneDaemon } from './data-plane/daemon-process.ts';
import { removeLabFiles } from './system/lab-files.ts';

/** What a running lab is: where its control plane listens and which processes belong to it. */
export interface LabState {
  endpoint: string;
  region: string;
  motoPid: number;
  python: string;
  startedAt: string;
  /** Access keys of the identities the lab bootstrapped: why this file is owner-only. */
  identities: LabIdentities;
  /** What moto's admin API (/moto-api/*, which can switch IAM enforcement off) asks for: the lab's alone. */
  adminToken: string;
  /** Present when `lab up` started the data plane (simulated hosts). */
  dataPlane?: DataPlaneDaemon;
}

const pid = z.number().int().positive();
const identity = z.object({
  userName: z.string().min(1),
  arn: z.string().min(1),
  accessKeyId: z.string().min(1),
  secretAccessKey: z.string().min(1),
});

/** The state file as read back: anything else (a hand edit, a planted file) is refused, not trusted. */
const labStateSchema: z.ZodType<LabState> = z.object({
  endpoint: z.url(),
  region: z.string().min(1),
  motoPid: pid,
  python: z.string().min(1),
  startedAt: z.string().min(1),
  identities: z.object({ harness: identity, dataPlane: identity, ecsService: identity, ec2Service: identity }),
  adminToken: z.string().regex(/^[0-9a-f]{64}$/),
  dataPlane: z
    .object({
      pid,
      prefix: z.string().min(1),
      endpointForInstances: z.url(),
      proxyUrl: z.url(),
      labAgent: labAgentSchema.optional(),
    })
    .optional(),
});

/** Far above a real state file (about 2 kB): a bound on what a read loads. */
const MAX_STATE_BYTES = 1024 * 1024;

/** $ECS_TASKROLE_LAB_DIR, else $XDG_STATE_HOME/ecs-taskrole/lab, else ~/.local/state/ecs-taskrole/lab. */
export function labDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.ECS_TASKROLE_LAB_DIR) return env.ECS_TASKROLE_LAB_DIR;
  return join(env.XDG_STATE_HOME ?? join(homedir(), '.local', 'state'), 'ecs-taskrole', 'lab');
}

export function labStatePath(dir: string = labDir()): string {
  return join(dir, 'state.json');
}

/**
 * The lab directory, owner-only: created 0700, or corrected to 0700 when it exists readable by others
 * (mkdir's mode applies only to a directory it creates). Refused when another user could have planted it
 * or may change it (the keys, moto's admin token and the daemons' pid files live there): a symbolic link,
 * owned by another user, writable by group or others.
 */
export function ensureLabDir(dir: string = labDir()): void {
  const stats = lstatOrUndefined(dir);
  if (stats?.isSymbolicLink()) throw refused(dir, 'is a symbolic link');
  if (stats && !stats.isDirectory()) throw refused(dir, 'is not a directory');
  if (!stats) mkdirSync(dir, { recursive: true, mode: 0o700 });
  const created = lstatSync(dir);
  const uid = process.getuid?.() ?? 0;
  if (created.uid !== uid) throw refused(dir, `is owned by uid ${created.uid}, not by uid ${uid} (this process)`);
  if ((created.mode & 0o022) !== 0) {
    throw refused(dir, `may be written by group or others (mode ${(created.mode & 0o777).toString(8)})`);
  }
  const mode = created.mode & 0o777;
  if (mode !== 0o700) {
    const fd = openSync(dir, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW);
    try {
      fchmodSync(fd, 0o700);
    } finally {
      closeSync(fd);
    }
  }
}

/**
 * Owner-only (0700 dir, 0600 file): the state holds the lab identities' keys. Written to a new file
 * (O_EXCL: never through a planted link) and renamed over the old one, so a reader sees all or nothing.
 */
export function writeLabState(state: LabState, dir: string = labDir()): void {
  ensureLabDir(dir);
  const file = labStatePath(dir);
  if (lstatOrUndefined(file)?.isSymbolicLink()) throw refused(file, 'is a symbolic link');
  const temp = `${file}.${process.pid}.tmp`;
  rmSync(temp, { force: true });
  const fd = openSync(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  try {
    fchmodSync(fd, 0o600); // exactly 0600, whatever the umask
    writeSync(fd, `${JSON.stringify(state, null, 2)}\n`);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, file);
}

/**
 * The running lab's state, or undefined when there is none. The file is opened without following a
 * symbolic link, must be a regular file, is corrected to 0600 if it is wider, and must match the schema;
 * otherwise this throws, naming the file (the caller must not act on a state it cannot trust).
 */
export function readLabState(dir: string = labDir()): LabState | undefined {
  const file = labStatePath(dir);
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    if (code === 'ELOOP') throw refused(file, 'is a symbolic link');
    throw refused(file, `cannot be read (${code ?? String(error)})`);
  }
  let text: string;
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw refused(file, 'is not a regular file');
    if (stats.size > MAX_STATE_BYTES) throw refused(file, `is larger than ${MAX_STATE_BYTES} bytes`);
    if ((stats.mode & 0o077) !== 0) fchmodSync(fd, 0o600);
    const buffer = Buffer.alloc(stats.size);
    const length = readSync(fd, buffer, 0, stats.size, 0);
    text = buffer.subarray(0, length).toString('utf8');
  } finally {
    closeSync(fd);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw refused(file, 'is not JSON');
  }
  const parsed = labStateSchema.safeParse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw refused(file, `is not a lab state file (${first?.path.join('.') || 'top level'}: ${first?.message})`);
  }
  return parsed.data;
}

/** moto's own output (start-up errors, access log): beside the state, removed with it. */
export function labLogPath(dir: string = labDir()): string {
  return join(dir, 'moto.log');
}

/** The pid of a lab process, written as soon as it exists (before the state file). */
export function labPidPath(dir: string, process: 'moto' | 'data-plane'): string {
  return join(dir, `${process}.pid`);
}

export function readLabPid(dir: string, process: 'moto' | 'data-plane'): number | undefined {
  try {
    const pid = Number(readFileSync(labPidPath(dir, process), 'utf8'));
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Removes what the lab put in its folder, then the folder itself when nothing else is in it. */
export function removeLabState(dir: string = labDir()): void {
  removeLabFiles(dir);
}

function lstatOrUndefined(path: string) {
  try {
    return lstatSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function refused(path: string, why: string): InfrastructureError {
  return new InfrastructureError(
    `the lab state ${path} ${why}; refusing to use it (it holds the lab's keys). Remove it, then run \`lab up\` again.`,
  );
}

/** SDK client settings that sign as the harness against this lab (what a run's driver uses). */
export function harnessClientConfig(lab: Pick<LabState, 'endpoint' | 'region' | 'identities'>): AwsTarget {
  return {
    region: lab.region,
    endpoint: lab.endpoint,
    credentials: credentialsOf(lab.identities.harness),
    maxAttempts: 1,
    // The lab's stand-in for ACS: the harness's DescribeTasks waits for a task change instead of polling.
    decorate: (clients) => ({ taskPush: waitForTaskChanges(clients.ecs, 'DescribeTasksCommand') }),
  };
}
