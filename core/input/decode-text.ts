/**
 * Decodes a user's input file, naming what it is when it is not UTF-8 text: a UTF-16 file (Windows
 * editors save it so) or a binary file would otherwise parse into misleading errors ("expected a
 * mapping") or thousands of lines of them. A UTF-8 byte order mark is dropped.
 */
export type DecodeResult = { ok: true; text: string } | { ok: false; reason: string };

export function decodeInputText(bytes: Uint8Array): DecodeResult {
  if (startsWith(bytes, [0xff, 0xfe]) || startsWith(bytes, [0xfe, 0xff])) {
    const order = bytes[0] === 0xff ? 'little-endian' : 'big-endian';
    return { ok: false, reason: `is UTF-16 (${order}, with a byte order mark); save it as UTF-8` };
  }
  const body = startsWith(bytes, [0xef, 0xbb, 0xbf]) ? bytes.subarray(3) : bytes;
  const nul = body.indexOf(0);
  if (nul !== -1) {
    // UTF-16 without a byte order mark: ASCII text with every other byte NUL.
    const utf16 = body.length >= 2 && body.length % 2 === 0 && (body[0] === 0 || body[1] === 0);
    return {
      ok: false,
      reason: utf16
        ? 'looks like UTF-16 (NUL in every other byte); save it as UTF-8'
        : `is a binary file, not text (NUL byte at offset ${nul})`,
    };
  }
  try {
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(body) };
  } catch {
    return { ok: false, reason: `is not UTF-8 text (invalid byte sequence near offset ${firstInvalid(body)})` };
  }
}

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return prefix.every((byte, index) => bytes[index] === byte);
}

/** The offset of the first byte that makes the text invalid UTF-8 (for the message). */
function firstInvalid(bytes: Uint8Array): number {
  // Binary search on the longest valid prefix; `stream` lets a prefix end inside a sequence.
  const valid = (length: number, stream = true) => {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, length), { stream });
      return true;
    } catch {
      return false;
    }
  };
  let low = 0;
  let high = bytes.length;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (valid(mid)) low = mid;
    else high = mid - 1;
  }
  // The valid prefix may end with the first bytes of the broken sequence: point at its start.
  while (low > 0 && !valid(low, false)) low -= 1;
  return low;
}
