/** One malformed input: how to make it in a temp dir, and what the one message must say. */
export interface HostileCase {
  id: string;
  /** Creates the input; returns the CLI arguments and the file the message must name (if any). */
  setup: (dir: string) => Promise<{ args: string[]; file?: string }>;
  /** What the message must say (the problem and, where there is one, the limit). */
  expect: RegExp;
  /** Runs in a child process with a small heap: a case that would once take gigabytes. */
  giant?: boolean;
  /** A usage error (commander's own message) rather than a problem in a file. */
  usage?: boolean;
}
