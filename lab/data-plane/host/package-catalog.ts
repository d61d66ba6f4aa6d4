/**
 * The packages `dnf`/`yum` on a lab instance can install: those the harness and the documented procedures
 * name. A package installs nothing onto the disk here; what matters is what it makes exist (its units, the
 * `docker` command). Any other name fails as dnf fails for a name no repository has.
 * Sources: ECS developer guide (installing the agent and Docker on Amazon Linux: `docker`, `ecs-init`),
 * the seed procedure (`iptables-services`), AL2023 package lists (`iptables-nft`, `binutils`).
 */
import { fail, type ServiceResult } from './services/service-result.ts';

const CATALOG: Readonly<Record<string, string>> = {
  docker: 'the docker command and docker.service',
  'ecs-init': 'ecs.service (ecs-init), which starts the agent',
  'amazon-ecs-init': 'ecs.service (the AL1 package name)',
  ecs: 'ecs.service (amazon-linux-extras topic on AL2)',
  'iptables-services': 'iptables.service: restores /etc/sysconfig/iptables at boot',
  'iptables-nft': 'the iptables command (the lab uses this machine’s)',
  binutils: 'strings and the other binary tools (not used on the instance itself)',
};

export function isCataloguedPackage(name: string): boolean {
  return Object.hasOwn(CATALOG, name);
}

/** dnf 4's answer when no repository has a package (exit 1; nothing is installed). */
export function packageNotFound(names: readonly string[]): ServiceResult {
  const lines = names.map((name) => `No match for argument: ${name}`);
  return fail(1, `${lines.join('\n')}\nError: Unable to find a match: ${names.join(' ')}\n`);
}
