/**
 * The one grammar of a proxy URL, for the matrix file's `proxyUrl` and ECS_TASKROLE_PROXY_URL alike. The URL
 * ends up in root's user data (ecs.config, a systemd drop-in, an upstart override) and in task definitions,
 * so it is held to what a proxy address needs and nothing more:
 *
 *   http://HOST[:PORT][/]   or   https://HOST[:PORT][/]
 *
 * HOST a DNS name (letters, digits, inner hyphens, dots), a dotted IPv4 address or a bracketed IPv6
 * address; PORT 1-65535. No user or password, no path beyond a final "/", no query or fragment, and so no
 * whitespace, quote, `;`, `$`, backtick, backslash or `%` anywhere. Messages never echo the value: it may
 * hold a password.
 */
export const PROXY_URL_RULE =
  'expected http://HOST[:PORT] or https://HOST[:PORT] (HOST a DNS name, an IPv4 address or a bracketed IPv6 ' +
  'address; PORT 1-65535; nothing after an optional final "/"), such as http://proxy.example.internal:3128';

export const PROXY_CREDENTIALS_REFUSED =
  'a proxy URL with a user or password (user:password@) is refused: the URL is written into EC2 user data and ' +
  'ECS task definitions, which ec2:DescribeInstanceAttribute, ecs:DescribeTaskDefinition and every task that ' +
  'reaches IMDS can read. Let the proxy admit the harness instances by address (their subnet or security ' +
  'group) and give its URL without credentials';

/** The shape as a JSON-schema pattern (editors): the host and port checks below are stricter. */
export const PROXY_URL_PATTERN = '^https?://([A-Za-z0-9.-]{1,253}|\\[[0-9A-Fa-f:.]{2,45}\\])(:[0-9]{1,5})?/?$';

const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const SHAPE = /^(https?):\/\/(\[[0-9A-Fa-f:.]{2,45}\]|[A-Za-z0-9.-]{1,253})(?::([0-9]{1,5}))?\/?$/;
const MAX_URL_CHARS = 300;

/** Why a proxy URL is refused (one of the two messages above), or undefined when it is accepted. */
export function proxyUrlProblem(value: string): string | undefined {
  if (value.length > MAX_URL_CHARS) return PROXY_URL_RULE;
  const authority = value.replace(/^[A-Za-z][A-Za-z0-9+.-]*:\/\//, '').split(/[/?#]/, 1)[0] ?? '';
  if (authority.includes('@')) return PROXY_CREDENTIALS_REFUSED;
  const match = SHAPE.exec(value);
  if (!match) return PROXY_URL_RULE;
  const [, , host = '', port] = match;
  if (port !== undefined && !(Number(port) >= 1 && Number(port) <= 65_535 && !port.startsWith('0'))) {
    return PROXY_URL_RULE;
  }
  return validHost(host) ? undefined : PROXY_URL_RULE;
}

function validHost(host: string): boolean {
  if (host.startsWith('[')) return validIpv6(host);
  const labels = host.split('.');
  // A name whose last label is all digits is an IPv4 address (WHATWG URL): only the dotted quad is.
  if (/^\d+$/.test(labels.at(-1) ?? '')) return IPV4.test(host);
  return labels.every((label) => LABEL.test(label));
}

/** Bracketed IPv6 as the URL parser accepts it (no zone id: `%` never passes the shape). */
function validIpv6(bracketed: string): boolean {
  try {
    return new URL(`http://${bracketed}/`).hostname.startsWith('[');
  } catch {
    return false;
  }
}

/** The URL without its optional final "/" (the drop-in and upstart lines add their own). */
export function proxyOrigin(value: string): string {
  return value.endsWith('/') ? value.slice(0, -1) : value;
}
