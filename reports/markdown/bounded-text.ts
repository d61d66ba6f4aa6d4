/**
 * Accumulates lines up to a byte budget (UTF-8). Once a line does not fit, it and everything after
 * it is refused, and `finish()` appends the closing note, whose size is covered by `reserve`:
 * the result is never larger than `limit` bytes.
 */
export class BoundedText {
  private readonly lines: string[] = [];
  private bytes = 0;
  private refused = 0;
  private readonly limit: number;
  private readonly reserve: number;

  constructor(limit: number, reserve: number) {
    this.limit = limit;
    this.reserve = reserve;
  }

  /** Adds the line if it fits; returns false (and counts it) otherwise. */
  add(line: string): boolean {
    const size = Buffer.byteLength(line, 'utf8') + 1;
    if (this.refused > 0 || this.bytes + size > this.limit - this.reserve) {
      this.refused += 1;
      return false;
    }
    this.lines.push(line);
    this.bytes += size;
    return true;
  }

  get truncated(): boolean {
    return this.refused > 0;
  }

  /** The text, with `note(refusedLines)` appended when lines were refused (cut to the reserve). */
  finish(note: (refusedLines: number) => string): string {
    if (this.refused > 0) {
      const text = note(this.refused);
      this.lines.push(Buffer.byteLength(text, 'utf8') < this.reserve - 1 ? text : text.slice(0, this.reserve / 4));
    }
    return `${this.lines.join('\n')}\n`;
  }
}
