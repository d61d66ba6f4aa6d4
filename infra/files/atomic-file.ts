/**
 * The one atomic writer: readers (and a process killed mid-write) see the old content or the new, never
 * half of it. A sibling temp file is created new (O_EXCL, never through a planted link), given its mode
 * whatever the umask, filled, and renamed over the target (atomic on one filesystem).
 */
import { randomBytes } from 'node:crypto';
import { closeSync, constants, fchmodSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

export interface AtomicWriteOptions {
  /** The file's mode (default 0o644); 0o600 for what holds a key or a run's own records. */
  mode?: number;
}

export function writeFileAtomic(file: string, content: string, { mode = 0o644 }: AtomicWriteOptions = {}): void {
  mkdirSync(dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    const fd = openSync(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, mode);
    try {
      fchmodSync(fd, mode);
      writeSync(fd, content);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, file);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}
