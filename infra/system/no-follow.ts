import { closeSync, constants, fchmodSync, openSync, writeSync } from 'node:fs';

/**
 * The lab daemons' log and pid files, opened without following a symbolic link in their place
 * (O_NOFOLLOW): a link planted in the lab folder must not make root append to, or truncate, what it points at.
 */

/** A file descriptor appending to `path` (created owner-only); the caller closes it. */
export function openAppendNoFollow(path: string): number {
  return openSync(path, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW, 0o600);
}

/** Writes `text` to `path`, replacing what it held, owner-only whatever the umask. */
export function writeFileNoFollowSync(path: string, text: string): void {
  const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW, 0o600);
  try {
    fchmodSync(fd, 0o600);
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
}
