import { readEcsConfigFile } from '../agent/ecs-config.ts';

/**
 * Environments the instance's service manager builds.
 *
 * - ecs-init's own environment (systemd: `EnvironmentFile=-/etc/ecs/ecs.config` in ecs.service plus
 *   drop-ins in /etc/systemd/system/ecs.service.d/; upstart: `env` lines in /etc/init/ecs.override). It
 *   decides ecs-init's iptables choices (ECS_SKIP_LOCALHOST_TRAFFIC_FILTER, …) but is NOT passed to the agent.
 * - The agent container's environment: ecs-init's defaults, then /var/lib/ecs/ecs.config, then
 *   /etc/ecs/ecs.config, read with ecs-init's reader (ecs-init/docker/docker.go getContainerConfig,
 *   LoadEnvVars); or, for an agent started with `docker run`, the `--env-file`s and `-e`s given.
 */

/** ecs-init's default agent environment (ecs-init/docker/docker.go getContainerConfig). */
export const ECS_INIT_AGENT_DEFAULTS: Readonly<Record<string, string>> = {
  ECS_LOGFILE: '/log/ecs-agent.log',
  ECS_DATADIR: '/data',
  ECS_AGENT_CONFIG_FILE_PATH: '/etc/ecs/ecs.config.json',
  ECS_UPDATE_DOWNLOAD_DIR: '/var/cache/ecs',
  ECS_UPDATES_ENABLED: 'true',
  ECS_AVAILABLE_LOGGING_DRIVERS: '["json-file","syslog","awslogs","fluentd","none"]',
  ECS_ENABLE_TASK_IAM_ROLE: 'true',
  ECS_ENABLE_TASK_IAM_ROLE_NETWORK_HOST: 'true',
  ECS_AGENT_LABELS: '',
  ECS_VOLUME_PLUGIN_CAPABILITIES: '["efsAuth"]',
  // getPlatformSpecificEnvVariables (ecs-init/docker/docker_config.go): awsvpc, with the init process
  // and NET_ADMIN/SYS_ADMIN ecs-init gives the agent container.
  ECS_ENABLE_TASK_ENI: 'true',
  ECS_ENABLE_AWSLOGS_EXECUTIONROLE_OVERRIDE: 'true',
};

export function ecsInitAgentEnvironment(
  instanceConfigText: string | undefined,
  userConfigText: string | undefined,
): Record<string, string> {
  return {
    ...ECS_INIT_AGENT_DEFAULTS,
    ...readEcsConfigFile(instanceConfigText ?? ''),
    ...readEcsConfigFile(userConfigText ?? ''),
  };
}

/** systemd EnvironmentFile syntax: KEY=VALUE lines, `#`/`;` comments, optional surrounding quotes. */
export function parseSystemdEnvironmentFile(text: string): Record<string, string> {
  const variables: Record<string, string> = {};
  for (const raw of text.replace(/\\\n/g, '').split('\n')) {
    const line = raw.trim();
    if (line.length === 0 || line.startsWith('#') || line.startsWith(';')) continue;
    const equals = line.indexOf('=');
    if (equals <= 0) continue;
    variables[line.slice(0, equals).trim()] = unquote(line.slice(equals + 1).trim());
  }
  return variables;
}

export interface UnitDropIn {
  environment: Record<string, string>;
  /** `EnvironmentFile=` paths; a leading `-` means optional. */
  environmentFiles: string[];
}

/** `Environment=` and `EnvironmentFile=` lines of a unit drop-in (other settings do not matter here). */
export function parseDropIn(text: string): UnitDropIn {
  const dropIn: UnitDropIn = { environment: {}, environmentFiles: [] };
  for (const raw of text.replace(/\\\n/g, ' ').split('\n')) {
    const line = raw.trim();
    const match = /^(Environment|EnvironmentFile)\s*=\s*(.*)$/.exec(line);
    if (!match) continue;
    const [, key, value = ''] = match;
    if (key === 'EnvironmentFile') {
      if (value.length > 0) dropIn.environmentFiles.push(value);
      continue;
    }
    if (value.length === 0) {
      dropIn.environment = {};
      continue;
    }
    for (const word of splitWords(value)) {
      const equals = word.indexOf('=');
      if (equals > 0) dropIn.environment[word.slice(0, equals)] = word.slice(equals + 1);
    }
  }
  return dropIn;
}

/** upstart override: `env KEY=VALUE` lines. */
export function parseUpstartOverride(text: string): Record<string, string> {
  const variables: Record<string, string> = {};
  for (const raw of text.split('\n')) {
    const match = /^\s*env\s+([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(raw);
    if (match?.[1]) variables[match[1]] = unquote((match[2] ?? '').trim());
  }
  return variables;
}

/** docker --env-file: KEY=VALUE lines, `#` comments, a bare KEY takes the client's value; no quote handling. */
export function parseDockerEnvFile(text: string, clientEnv: Record<string, string>): Record<string, string> {
  const variables: Record<string, string> = {};
  for (const raw of text.split('\n')) {
    const line = raw.replace(/^\s+/, '');
    if (line.length === 0 || line.startsWith('#')) continue;
    const equals = line.indexOf('=');
    if (equals < 0) {
      const name = line.trim();
      if (clientEnv[name] !== undefined) variables[name] = clientEnv[name];
      continue;
    }
    variables[line.slice(0, equals)] = line.slice(equals + 1);
  }
  return variables;
}

function unquote(value: string): string {
  if (value.length >= 2 && (value[0] === '"' || value[0] === "'") && value.at(-1) === value[0]) {
    return value.slice(1, -1);
  }
  return value;
}

function splitWords(text: string): string[] {
  const words: string[] = [];
  let current = '';
  let quote: string | undefined;
  let inWord = false;
  for (const char of text) {
    if (quote) {
      if (char === quote) quote = undefined;
      else current += char;
    } else if (char === '"' || char === "'") {
      quote = char;
      inWord = true;
    } else if (/\s/.test(char)) {
      if (inWord) words.push(current);
      current = '';
      inWord = false;
    } else {
      current += char;
      inWord = true;
    }
  }
  if (inWord) words.push(current);
  return words;
}
