/**
 * Proxy URLs an attacker (or a slip) could put into a matrix file or ECS_TASKROLE_PROXY_URL, each aimed at
 * root's user data (quotes, `;`, `$(…)`, backticks, newlines into ecs.config, systemd specifiers) or at a
 * leak (a password). Every one is refused by the grammar (core/input/proxy-url.ts). `secret` is what must
 * never be echoed back.
 */
export interface HostileProxyUrl {
  id: string;
  url: string;
  /** Refused as credentials (the other message otherwise). */
  credentials?: boolean;
  secret?: string;
  /** An environment variable cannot hold it (NUL ends a C string): tested in files only. */
  fileOnly?: boolean;
}

export const HOSTILE_PROXY_URLS: readonly HostileProxyUrl[] = [
  { id: 'single quote closes the echo', url: "http://proxy:3128'; touch /tmp/etr-pwned; echo '" },
  { id: 'double quote closes Environment=', url: 'http://proxy:3128"; touch /tmp/etr-pwned; "' },
  { id: 'semicolon', url: 'http://proxy:3128;reboot' },
  { id: 'command substitution', url: 'http://$(touch /tmp/etr-pwned):3128' },
  { id: 'backticks', url: 'http://`touch /tmp/etr-pwned`:3128' },
  { id: 'newline into ecs.config', url: 'http://proxy:3128\nECS_ENABLE_TASK_IAM_ROLE=false' },
  { id: 'CRLF', url: 'http://proxy:3128\r\nECS_ENABLE_TASK_IAM_ROLE=false' },
  { id: 'newline ends the heredoc', url: 'http://proxy:3128\nECS_CONFIG\ntouch /tmp/etr-pwned' },
  { id: 'space and a second assignment', url: 'http://proxy:3128 ECS_CLUSTER=someone-else' },
  { id: 'tab', url: 'http://proxy:3128\tX=1' },
  { id: 'dollar in the path', url: 'http://proxy:3128/$HOME' },
  { id: 'backslash', url: 'http://proxy:3128\\' },
  { id: 'percent (a systemd specifier)', url: 'http://proxy:3128/%H' },
  { id: 'NUL', url: 'http://proxy:3128\u0000', fileOnly: true },
  { id: 'a path', url: 'http://proxy:3128/a/b' },
  { id: 'a query', url: 'http://proxy:3128/?x=1' },
  { id: 'a fragment', url: 'http://proxy:3128#x' },
  { id: 'port 0', url: 'http://proxy:0' },
  { id: 'port 65536', url: 'http://proxy:65536' },
  { id: 'IPv4 out of range', url: 'http://999.1.1.1:3128' },
  { id: 'IPv6 zone id', url: 'http://[fe80::1%25eth0]:3128' },
  { id: 'IPv6 without brackets', url: 'http://::1:3128' },
  { id: 'label starting with a hyphen', url: 'http://-proxy.example:3128' },
  { id: 'socks scheme', url: 'socks5://proxy:1080' },
  { id: 'no scheme', url: 'proxy:3128' },
  { id: 'user and password', url: 'http://alice:s3cr3t-pw@proxy:3128', credentials: true, secret: 's3cr3t-pw' },
  { id: 'password only', url: 'http://:s3cr3t-pw@proxy:3128', credentials: true, secret: 's3cr3t-pw' },
  { id: 'token as user', url: 'https://s3cr3t-token@proxy:3128', credentials: true, secret: 's3cr3t-token' },
  { id: 'encoded at-sign', url: 'http://alice%40corp:s3cr3t-pw@proxy:3128', credentials: true, secret: 's3cr3t-pw' },
];

/** URLs the grammar accepts at its edges: they must render user data that runs exactly as the plain one. */
export const EDGE_PROXY_URLS: readonly string[] = [
  'http://proxy.example.internal:3128',
  'https://proxy-1.corp.example:65535/',
  'http://10.0.0.131:3128',
  'http://[2001:db8::1]:3128',
  'http://proxy',
];
