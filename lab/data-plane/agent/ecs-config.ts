/**
 * The agent's view of its configuration: the environment the service manager gives it (ecs-init: its
 * defaults, then ecs.config read with ecs-init's reader below), parsed with the agent's own rules.
 *
 * Sources (aws/amazon-ecs-agent): `ecs-init/docker/docker.go` (getEnvVars, getContainerConfig),
 * `agent/config/config.go` (environmentConfig, Merge, validateAndOverrideBounds), `agent/config/parse.go`,
 * `agent/config/config_unix.go` (defaults), `ecs-agent/utils/httpproxy/proxy.go` (proxy variables).
 */

export interface RateLimit {
  /** Tokens per second added to each (source IP, path) bucket. */
  steady: number;
  /** Bucket size: how many requests pass at once. */
  burst: number;
}

export interface AgentConfig {
  cluster: string;
  /** `ECS_ENABLE_TASK_IAM_ROLE`: only an explicit true enables it (BooleanDefaultFalse). */
  taskIamRoleEnabled: boolean;
  /** `ECS_ENABLE_TASK_IAM_ROLE_NETWORK_HOST`: a plain bool, invalid text silently means false. */
  taskIamRoleNetworkHostEnabled: boolean;
  /** `ECS_ENABLE_TASK_ENI` (BooleanDefaultFalse): the awsvpc network mode, set by ecs-init. */
  taskEniEnabled: boolean;
  /** `ECS_AWSVPC_BLOCK_IMDS` (BooleanDefaultFalse): awsvpc tasks get a blackhole route to IMDS. */
  awsvpcBlockImds: boolean;
  taskMetadataRateLimit: RateLimit;
  /** `ECS_AVAILABLE_LOGGING_DRIVERS`: one `logging-driver.<name>` attribute each; Linux default json-file, none. */
  availableLoggingDrivers: string[];
  /** `ECS_ENABLE_AWSLOGS_EXECUTIONROLE_OVERRIDE` (BooleanDefaultFalse): registers execution-role-awslogs. */
  awslogsExecutionRoleOverride: boolean;
  instanceAttributes: Record<string, string>;
  privilegedDisabled: boolean;
  auditLogDisabled: boolean;
  /** `AWS_DEFAULT_REGION` when set; otherwise the agent asks IMDS. */
  region: string | undefined;
  proxy: ProxySettings;
}

/** Go's `httpproxy.FromEnvironment`: upper case first, then lower case; empty means unset. */
export interface ProxySettings {
  httpProxy: string | undefined;
  httpsProxy: string | undefined;
  noProxy: string | undefined;
}

export const DEFAULT_CLUSTER = 'default';
export const DEFAULT_RATE_LIMIT: RateLimit = { steady: 40, burst: 60 };
export const DEFAULT_LOGGING_DRIVERS = ['json-file', 'none'];

/**
 * ecs-init's reader: trim the file, split lines, trim each, split on the first `=`; lines without `=`
 * are skipped. No comment or quote handling: `ECS_CLUSTER="x"` names the cluster `"x"` with quotes.
 */
export function readEcsConfigFile(text: string): Record<string, string> {
  const variables: Record<string, string> = {};
  for (const line of text.trim().split('\n')) {
    const trimmed = line.trim();
    const equals = trimmed.indexOf('=');
    if (equals < 0) continue;
    variables[trimmed.slice(0, equals)] = trimmed.slice(equals + 1);
  }
  return variables;
}

export interface ParsedAgentConfig {
  config: AgentConfig;
  /** The agent's own warning texts, for its log. */
  warnings: string[];
  /** Errors that make the real agent exit at start (NewConfig returns them): the agent must not start. */
  errors: string[];
}

/** dockerclient.LoggingDriverMinimumVersion keys plus awsfirelens: anything else is a config error. */
const KNOWN_LOGGING_DRIVERS = new Set([
  'json-file',
  'syslog',
  'journald',
  'gelf',
  'fluentd',
  'awslogs',
  'splunk',
  'logentries',
  'sumologic',
  'none',
  'awsfirelens',
]);

export function parseAgentConfig(env: Record<string, string>): ParsedAgentConfig {
  const warnings: string[] = [];
  const errors: string[] = [];
  const flag = (name: string) => parseBooleanDefaultFalse(env[name], name, warnings);
  const availableLoggingDrivers = parseLoggingDrivers(env.ECS_AVAILABLE_LOGGING_DRIVERS, warnings);
  const badDrivers = availableLoggingDrivers.filter((driver) => !KNOWN_LOGGING_DRIVERS.has(driver));
  if (badDrivers.length > 0) errors.push(`Invalid logging drivers: ${badDrivers.join(', ')}`);
  return {
    config: {
      // trimWhitespace() runs on string fields before the defaults are merged
      cluster: nonEmpty(env.ECS_CLUSTER?.trim()) ?? DEFAULT_CLUSTER,
      taskIamRoleEnabled: flag('ECS_ENABLE_TASK_IAM_ROLE'),
      taskIamRoleNetworkHostEnabled: goParseBool(env.ECS_ENABLE_TASK_IAM_ROLE_NETWORK_HOST) ?? false,
      taskEniEnabled: flag('ECS_ENABLE_TASK_ENI'),
      awsvpcBlockImds: flag('ECS_AWSVPC_BLOCK_IMDS'),
      taskMetadataRateLimit: parseRateLimit(env.ECS_TASK_METADATA_RPS_LIMIT, warnings),
      availableLoggingDrivers,
      awslogsExecutionRoleOverride: flag('ECS_ENABLE_AWSLOGS_EXECUTIONROLE_OVERRIDE'),
      instanceAttributes: parseInstanceAttributes(env.ECS_INSTANCE_ATTRIBUTES, errors),
      privilegedDisabled: flag('ECS_DISABLE_PRIVILEGED'),
      auditLogDisabled: goParseBool(env.ECS_AUDIT_LOGFILE_DISABLED) ?? false,
      region: nonEmpty(env.AWS_DEFAULT_REGION?.trim()),
      proxy: {
        httpProxy: nonEmpty(env.HTTP_PROXY) ?? nonEmpty(env.http_proxy),
        httpsProxy: nonEmpty(env.HTTPS_PROXY) ?? nonEmpty(env.https_proxy),
        noProxy: nonEmpty(env.NO_PROXY) ?? nonEmpty(env.no_proxy),
      },
    },
    warnings,
    errors,
  };
}

/** Go's strconv.ParseBool on the trimmed text; undefined when it is not a boolean. */
export function goParseBool(text: string | undefined): boolean | undefined {
  const value = (text ?? '').trim();
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value)) return false;
  return undefined;
}

/** parseBooleanDefaultFalseConfig: empty is silent, invalid warns; both mean "not set" → false. */
function parseBooleanDefaultFalse(text: string | undefined, name: string, warnings: string[]): boolean {
  if ((text ?? '').trim() === '') return false;
  const value = goParseBool(text);
  if (value === undefined) warnings.push(`Invalid format for "${name}", expected a boolean.`);
  return value ?? false;
}

/**
 * parseTaskMetadataThrottles + Merge + validateAndOverrideBounds: a malformed value parses to 0,0, and
 * Merge fills zero fields from the defaults (so "0,5" becomes 40,5); a negative field then resets both.
 */
export function parseRateLimit(text: string | undefined, warnings: string[] = []): RateLimit {
  let steady = 0;
  let burst = 0;
  if (text !== undefined && text !== '') {
    const parts = text.split(',');
    if (parts.length !== 2) {
      warnings.push('Invalid format for "ECS_TASK_METADATA_RPS_LIMIT", expected: "rateLimit,burst"');
    } else {
      const parsedSteady = goAtoi(parts[0] ?? '');
      const parsedBurst = goAtoi(parts[1] ?? '');
      if (parsedSteady === undefined) {
        warnings.push('Invalid format for "ECS_TASK_METADATA_RPS_LIMIT", expected integer for steady state rate');
      } else if (parsedBurst === undefined) {
        warnings.push('Invalid format for "ECS_TASK_METADATA_RPS_LIMIT", expected integer for burst rate');
      } else {
        steady = parsedSteady;
        burst = parsedBurst;
      }
    }
  }
  if (steady === 0) steady = DEFAULT_RATE_LIMIT.steady;
  if (burst === 0) burst = DEFAULT_RATE_LIMIT.burst;
  if (steady <= 0 || burst <= 0) {
    warnings.push(
      `Invalid values for rate limits, will be overridden with default values: ${DEFAULT_RATE_LIMIT.steady},${DEFAULT_RATE_LIMIT.burst}.`,
    );
    return { ...DEFAULT_RATE_LIMIT };
  }
  return { steady, burst };
}

/** strconv.Atoi on trimmed text: optional sign and decimal digits only. */
function goAtoi(text: string): number | undefined {
  const trimmed = text.trim();
  return /^[+-]?\d+$/.test(trimmed) ? Number.parseInt(trimmed, 10) : undefined;
}

function parseLoggingDrivers(text: string | undefined, warnings: string[]): string[] {
  if (text === undefined || text.trim() === '') return [...DEFAULT_LOGGING_DRIVERS];
  try {
    const drivers: unknown = JSON.parse(text);
    if (Array.isArray(drivers) && drivers.every((driver) => typeof driver === 'string')) {
      return drivers.length > 0 ? drivers : [...DEFAULT_LOGGING_DRIVERS];
    }
  } catch {
    // falls through to the agent's warning
  }
  warnings.push(
    'Invalid format for "ECS_AVAILABLE_LOGGING_DRIVERS" environment variable; expected a JSON array like ["json-file","syslog"].',
  );
  return [...DEFAULT_LOGGING_DRIVERS];
}

/** An invalid ECS_INSTANCE_ATTRIBUTES is an error (the agent does not start), not a warning. */
function parseInstanceAttributes(text: string | undefined, errors: string[]): Record<string, string> {
  if (text === undefined || text === '') return {};
  try {
    const attributes: unknown = JSON.parse(text);
    if (attributes && typeof attributes === 'object' && !Array.isArray(attributes)) {
      return Object.fromEntries(Object.entries(attributes).map(([key, value]) => [key, String(value)]));
    }
  } catch {
    // falls through to the agent's error
  }
  errors.push('Invalid format for ECS_INSTANCE_ATTRIBUTES. Expected a json hash');
  return {};
}

function nonEmpty(text: string | undefined): string | undefined {
  return text === undefined || text === '' ? undefined : text;
}
