import { writeFile } from 'node:fs/promises';
import type { InstanceAccess } from './instance-access.ts';
import { fail, ok, type ServiceResult } from './service-result.ts';

/** The `iptables` service (iptables-services): restores /etc/sysconfig/iptables on start, flushes on stop. */
export class IptablesService {
  readonly #instance: InstanceAccess;
  #active = false;

  constructor(instance: InstanceAccess) {
    this.#instance = instance;
  }

  get active(): boolean {
    return this.#active;
  }

  async start(): Promise<ServiceResult> {
    const log = this.#instance.log;
    const saved = await this.#instance.readFile('/etc/sysconfig/iptables');
    if (saved === undefined) {
      log('iptables: no /etc/sysconfig/iptables, nothing restored');
      this.#active = true;
      return ok();
    }
    const restored = await this.#instance.exec('iptables-restore', [], saved);
    if (restored.exitCode !== 0) {
      log(`iptables: restore failed: ${restored.stderr.trim()}`);
      return fail(1, 'Job for iptables.service failed because the control process exited with error code.\n');
    }
    this.#active = true;
    await this.#instance.flushConntrack();
    log('iptables: restored /etc/sysconfig/iptables');
    return ok('iptables: Applying firewall rules: [  OK  ]\n');
  }

  /** iptables.init stop: policies ACCEPT, every table flushed and its chains deleted. */
  async stop(): Promise<ServiceResult> {
    const script = ['filter', 'nat', 'mangle', 'raw']
      .map((table) => `iptables -t ${table} -F; iptables -t ${table} -X`)
      .concat(['iptables -P INPUT ACCEPT; iptables -P FORWARD ACCEPT; iptables -P OUTPUT ACCEPT'])
      .join('\n');
    await this.#instance.exec('sh', ['-c', script]);
    await this.#instance.flushConntrack();
    this.#active = false;
    this.#instance.log('iptables: stopped (all rules flushed)');
    return ok();
  }

  /** `service iptables save` (AL1) / the iptables.init save action. */
  async save(): Promise<ServiceResult> {
    const saved = await this.#instance.exec('iptables-save', []);
    if (saved.exitCode !== 0) return fail(1, saved.stderr);
    await writeFile(this.#instance.path('/etc/sysconfig/iptables'), saved.stdout, { mode: 0o600 });
    this.#instance.log('iptables: saved current rules to /etc/sysconfig/iptables');
    return ok('iptables: Saving firewall rules to /etc/sysconfig/iptables: [  OK  ]\n');
  }

  /** Power off: the rules die with the namespace; the service is no longer active. */
  powerOff(): void {
    this.#active = false;
  }
}
