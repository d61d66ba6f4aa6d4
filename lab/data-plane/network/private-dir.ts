import { constants } from 'node:fs';
import { open, readFile } from 'node:fs/promises';

// The check lives in infra/system (the golang image's client builds are checked the same way).
export { assertPrivateDir } from '../../../infra/system/private-dir.ts';

/** Writes a file without following a link in its place (O_NOFOLLOW), owner-only. */
export async function writeFileNoFollow(path: string, text: string): Promise<void> {
  const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW;
  const file = await open(path, flags, 0o600);
  try {
    await file.writeFile(text);
  } finally {
    await file.close();
  }
}

/** Reads a file without following a link in its place (O_NOFOLLOW). */
export async function readFileNoFollow(path: string): Promise<string> {
  const file = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    return await readFile(file, 'utf8');
  } finally {
    await file.close();
  }
}
