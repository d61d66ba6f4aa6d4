import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import { BadInputError } from '../../core/errors.ts';

const USER_ERRORS = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOTDIR', 'EEXIST', 'EISDIR', 'ENAMETOOLONG', 'ELOOP']);

/**
 * The directory a command writes into (`--out`): created when missing; a file in its place, a path
 * through a file or a directory we cannot write is bad input (exit 2, nothing written), not a stack trace.
 */
export function prepareOutDir(dir: string, option = '--out'): void {
  const fail = (message: string): never => {
    throw new BadInputError([{ file: dir, path: '', message: `${option}: ${message}` }]);
  };
  const existing = statOrUndefined(dir, fail);
  if (existing && !existing.isDirectory())
    fail('exists and is not a directory; expected a directory (created if missing)');
  try {
    if (!existing) mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
  } catch (error) {
    fail(describeFsError(error));
  }
}

/** Runs the writes into a prepared directory; a refused write is bad input naming the file. */
export function writingInto<T>(dir: string, write: () => T, option = '--out'): T {
  try {
    return write();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (!code || !USER_ERRORS.has(code)) throw error;
    const file = (error as NodeJS.ErrnoException).path ?? dir;
    throw new BadInputError([{ file, path: '', message: `${option}: cannot write: ${describeFsError(error)}` }]);
  }
}

function statOrUndefined(dir: string, fail: (message: string) => never) {
  try {
    return statSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    return fail(describeFsError(error));
  }
}

function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EROFS') return 'read-only file system';
  if (code === 'ENOTDIR' || code === 'EEXIST') return 'a part of the path is a file, not a directory';
  if (code === 'EISDIR') return 'a directory is in the way of a file';
  return code ?? String(error);
}
