import { constants, type Stats } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { BadInputError } from '../errors.ts';
import { decodeInputText } from './decode-text.ts';

export interface InputFileOptions {
  /** What the file is, for messages: `matrix file`, `results file`. */
  kind: string;
  maxBytes: number;
  /** The option that raises the limit, named in the message when there is one. */
  raiseWith?: string;
}

/**
 * Reads a user's input file as UTF-8 text, bounded: only a regular file (a FIFO would block forever,
 * /dev/zero never ends, a directory is a mistake), at most `maxBytes`. The type and size are checked
 * before the file is opened for reading, and again on the opened file (it may have been swapped).
 * Throws BadInputError naming the file, the problem and the limit.
 */
export async function readInputFile(file: string, options: InputFileOptions): Promise<string> {
  const fail = (message: string): never => {
    throw new BadInputError([{ file, path: '', message: `cannot read the ${options.kind}: ${message}` }]);
  };
  try {
    checkStat(await stat(file), options, fail);
  } catch (error) {
    if (error instanceof BadInputError) throw error;
    fail(describeFsError(error));
  }
  let bytes: Uint8Array;
  try {
    // O_NONBLOCK: if a FIFO replaced the file since stat, opening it must not wait for a writer.
    const handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
    try {
      const stats = await handle.stat();
      checkStat(stats, options, fail);
      // One byte more than stat said (already ≤ maxBytes), to notice a file that grows while read.
      const buffer = new Uint8Array(stats.size + 1);
      let length = 0;
      while (length < buffer.length) {
        const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
        if (bytesRead === 0) break;
        length += bytesRead;
      }
      if (length > stats.size) fail('grew while it was read; read it once it is complete');
      bytes = buffer.subarray(0, length);
    } finally {
      await handle.close();
    }
  } catch (error) {
    if (error instanceof BadInputError) throw error;
    return fail(describeFsError(error));
  }
  const decoded = decodeInputText(bytes);
  if (!decoded.ok) return fail(`the file ${decoded.reason}`);
  return decoded.text;
}

function checkStat(stats: Stats, options: InputFileOptions, fail: (message: string) => never): void {
  if (stats.isDirectory()) fail('is a directory; expected a regular file');
  if (stats.isFIFO()) fail('is a named pipe (FIFO); expected a regular file');
  if (!stats.isFile()) fail('is a device or socket, not a regular file');
  if (stats.size > options.maxBytes) fail(`${tooBig(options)} (it has ${stats.size} bytes)`);
}

function tooBig(options: InputFileOptions): string {
  const raise = options.raiseWith ? `; raise the limit with ${options.raiseWith}` : '';
  return `larger than the limit of ${options.maxBytes} bytes${raise}`;
}

function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'file not found';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory; expected a regular file';
  if (code === 'ENOTDIR') return 'a part of the path is not a directory';
  if (code === 'ELOOP') return 'too many symbolic links';
  if (code === 'ENAMETOOLONG') return 'the file name is too long';
  return code ? `${code}` : String(error);
}
