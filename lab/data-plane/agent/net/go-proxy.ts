/**
 * Which proxy the agent's HTTP client uses for a URL: Go's `httpproxy` rules as vendored by the agent
 * (`ecs-agent/utils/httpproxy/proxy.go`). HTTPS_PROXY for https URLs, else HTTP_PROXY; never for
 * localhost or loopback; NO_PROXY entries are `*`, IPs, CIDRs (Go accepts them, botocore does not),
 * `host[:port]` and domain suffixes.
 */
import { BlockList, isIP } from 'node:net';
import type { ProxySettings } from '../ecs-config.ts';

export function proxyForUrl(settings: ProxySettings, url: URL): URL | undefined {
  const configured = (url.protocol === 'https:' ? settings.httpsProxy : undefined) ?? settings.httpProxy;
  const proxy = configured ? parseProxy(configured) : undefined;
  if (!proxy) return undefined;
  return useProxy(settings.noProxy ?? '', url) ? proxy : undefined;
}

/** A value without a scheme is `http://host:port` (parseProxy prepends http://). */
function parseProxy(value: string): URL | undefined {
  for (const candidate of [value, `http://${value}`]) {
    try {
      const parsed = new URL(candidate);
      if (['http:', 'https:', 'socks5:'].includes(parsed.protocol) && parsed.hostname !== '') return parsed;
    } catch {
      // try the next form
    }
  }
  return undefined;
}

function useProxy(noProxy: string, url: URL): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  if (host === 'localhost') return false;
  const ipVersion = isIP(host);
  if (ipVersion === 4 && host.startsWith('127.')) return false;
  if (ipVersion === 6 && host === '::1') return false;
  for (const raw of noProxy.split(',')) {
    const entry = raw.trim().toLowerCase();
    if (entry === '') continue;
    if (entry === '*') return false;
    if (ipVersion !== 0 && matchesCidr(entry, host, ipVersion)) return false;
    const { entryHost, entryPort } = splitHostPort(entry);
    if (entryHost === '') continue;
    if (isIP(entryHost) !== 0) {
      if (ipVersion !== 0 && entryHost === host && (entryPort === '' || entryPort === port)) return false;
      continue;
    }
    // foo.com matches foo.com and bar.foo.com; .foo.com and *.foo.com match subdomains only
    const matchHost = !entryHost.startsWith('.') && !entryHost.startsWith('*.');
    const suffix = entryHost.startsWith('*.') ? entryHost.slice(1) : matchHost ? `.${entryHost}` : entryHost;
    if (entryPort !== '' && entryPort !== port) continue;
    if (host.endsWith(suffix) || (matchHost && host === suffix.slice(1))) return false;
  }
  return true;
}

function matchesCidr(entry: string, host: string, ipVersion: number): boolean {
  const [network, bits, extra] = entry.split('/');
  if (bits === undefined || extra !== undefined || network === undefined) return false;
  const family = isIP(network);
  const prefix = Number(bits);
  if (family === 0 || !/^\d+$/.test(bits) || prefix > (family === 4 ? 32 : 128)) return false;
  const list = new BlockList();
  list.addSubnet(network, prefix, family === 4 ? 'ipv4' : 'ipv6');
  return list.check(host, ipVersion === 4 ? 'ipv4' : 'ipv6');
}

function splitHostPort(entry: string): { entryHost: string; entryPort: string } {
  const bracketed = /^\[([^\]]*)\]:(\d*)$/.exec(entry);
  if (bracketed) return { entryHost: bracketed[1] ?? '', entryPort: bracketed[2] ?? '' };
  const hostPort = /^([^:]*):(\d+)$/.exec(entry);
  if (hostPort) return { entryHost: hostPort[1] ?? '', entryPort: hostPort[2] ?? '' };
  return { entryHost: entry, entryPort: '' };
}
