import { readdir, readFile } from 'node:fs/promises';
import type { CommandResult } from '../../network/commands.ts';
import type { InstanceInit } from '../instance-init.ts';

/**
 * What every service of the instance uses: its files and its system commands, through the current instance
 * init (a new one after each reboot), and the instance's log.
 */
export class InstanceAccess {
  readonly #init: () => InstanceInit;
  readonly log: (line: string) => void;

  constructor(init: () => InstanceInit, log: (line: string) => void) {
    this.#init = init;
    this.log = log;
  }

  /** Where an instance path lives on this machine. */
  path(instancePath: string): string {
    return this.#init().path(instancePath);
  }

  async readFile(path: string): Promise<string | undefined> {
    try {
      return await readFile(this.path(path), 'utf8');
    } catch {
      return undefined;
    }
  }

  listDir(path: string): Promise<string[]> {
    return readdir(this.path(path)).catch(() => []);
  }

  /** Runs a system command in the instance (no shims on PATH); a failure is a result, not a throw. */
  exec(file: string, args: readonly string[], input?: string): Promise<CommandResult> {
    return this.#init().exec(file, args, { allowFailure: true, input });
  }

  /** After rule changes: NAT entries of the old rules would keep steering established flows. */
  async flushConntrack(): Promise<void> {
    await this.exec('conntrack', ['-F']);
  }
}
