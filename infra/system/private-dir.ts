import { lstat, mkdir } from 'node:fs/promises';
import { InfrastructureError } from '../../core/errors.ts';

/**
 * Folders root later executes from (agent bundle, instance shims, the golang image's client builds) or
 * trusts (lab records name what cleanup deletes) must be this process's own: a directory, not a symbolic link, owned by this user, not
 * writable by group or others. Checked with lstat (a link is never followed); created 0700 when missing
 * and `create` is set. Never removed and recreated: a folder another user planted is refused, not
 * replaced, so no window opens in which it could be planted again. False when missing and not created.
 */
export async function assertPrivateDir(path: string, options: { create: boolean }): Promise<boolean> {
  let info = await lstatOrUndefined(path);
  if (!info && options.create) {
    await mkdir(path, { mode: 0o700 }).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    });
    info = await lstatOrUndefined(path);
  }
  if (!info) return false;
  const refuse = (why: string) =>
    new InfrastructureError(
      `lab: refusing ${path}: ${why}. Nothing was run from it; remove it after checking who made it (it should be root's own, mode 0700)`,
    );
  if (info.isSymbolicLink()) throw refuse('it is a symbolic link');
  if (!info.isDirectory()) throw refuse('it is not a directory');
  const uid = process.getuid?.() ?? 0;
  if (info.uid !== uid) throw refuse(`it is owned by uid ${info.uid}, not by uid ${uid} (this process)`);
  if ((info.mode & 0o022) !== 0)
    throw refuse(`group or others may write to it (mode ${(info.mode & 0o777).toString(8)})`);
  return true;
}

async function lstatOrUndefined(path: string) {
  return lstat(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
}
