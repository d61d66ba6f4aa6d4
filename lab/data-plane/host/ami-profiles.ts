/**
 * What an AMI brings that matters to task-role credentials: its init system, whether ecs-init is installed
 * and enabled, and which service units and package managers exist before user data runs.
 * Sources: ECS developer guide (ECS-optimized AMIs, "Installing the agent on other Linux AMIs"), agent
 * `packaging/amazon-linux-ami-integrated/ecs.service`, Amazon Linux 1/2/2023 user guides.
 */
export type AmiProfileName = 'al2023-ecs' | 'al2-ecs' | 'al1-ecs' | 'al2023-plain';

export interface AmiProfile {
  name: AmiProfileName;
  initSystem: 'systemd' | 'upstart';
  /** ecs-init installed, with `ecs` enabled at boot. */
  ecsOptimized: boolean;
  /** Packages installed in the image (the shims' package managers add to this). */
  packages: readonly string[];
  /** Units enabled in the image. */
  enabledUnits: readonly string[];
  /** Package-manager commands present in the image. */
  packageManagers: readonly ('yum' | 'dnf' | 'amazon-linux-extras')[];
}

export const AMI_PROFILES: Readonly<Record<AmiProfileName, AmiProfile>> = {
  'al2023-ecs': {
    name: 'al2023-ecs',
    initSystem: 'systemd',
    ecsOptimized: true,
    packages: ['docker', 'ecs-init'],
    enabledUnits: ['docker', 'ecs'],
    packageManagers: ['dnf', 'yum'],
  },
  'al2-ecs': {
    name: 'al2-ecs',
    initSystem: 'systemd',
    ecsOptimized: true,
    packages: ['docker', 'ecs-init'],
    enabledUnits: ['docker', 'ecs'],
    packageManagers: ['yum', 'amazon-linux-extras'],
  },
  'al1-ecs': {
    name: 'al1-ecs',
    initSystem: 'upstart',
    ecsOptimized: true,
    // AL1 ships the iptables SysV service, enabled (`service iptables save` is the documented way to persist).
    packages: ['docker', 'ecs-init', 'iptables-services'],
    enabledUnits: ['docker', 'ecs', 'iptables'],
    packageManagers: ['yum'],
  },
  'al2023-plain': {
    name: 'al2023-plain',
    initSystem: 'systemd',
    ecsOptimized: false,
    packages: [],
    enabledUnits: [],
    packageManagers: ['dnf', 'yum'],
  },
};

export function isAmiProfileName(name: string): name is AmiProfileName {
  return Object.hasOwn(AMI_PROFILES, name);
}

/** Package names that provide a unit (the AL2023 `ecs-init` package, AL2's `amazon-linux-extras install ecs`). */
export const UNIT_PROVIDERS: Readonly<Record<string, string>> = {
  'ecs-init': 'ecs',
  'amazon-ecs-init': 'ecs',
  ecs: 'ecs',
  'iptables-services': 'iptables',
  docker: 'docker',
};
