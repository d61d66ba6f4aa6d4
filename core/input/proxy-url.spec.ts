import { expect, test } from '@playwright/test';
import { PROXY_CREDENTIALS_REFUSED, PROXY_URL_RULE, proxyOrigin, proxyUrlProblem } from './proxy-url.ts';
import { EDGE_PROXY_URLS, HOSTILE_PROXY_URLS } from './testing/hostile-proxy-urls.ts';

test('every hostile proxy URL is refused, credentials with their own message', () => {
  for (const hostile of HOSTILE_PROXY_URLS) {
    expect(proxyUrlProblem(hostile.url), hostile.id).toBe(
      hostile.credentials ? PROXY_CREDENTIALS_REFUSED : PROXY_URL_RULE,
    );
  }
});

test('DNS names, IPv4, bracketed IPv6, ports 1-65535 and a final "/" are accepted', () => {
  for (const url of [...EDGE_PROXY_URLS, 'http://proxy:1', 'http://198.18.0.3:3128', 'http://[::1]/']) {
    expect(proxyUrlProblem(url), url).toBeUndefined();
  }
  expect(proxyOrigin('http://proxy:3128/')).toBe('http://proxy:3128');
  expect(proxyOrigin('http://proxy:3128')).toBe('http://proxy:3128');
});

test('the messages say what is accepted and never carry the value', () => {
  expect(PROXY_URL_RULE).toContain('http://HOST[:PORT]');
  expect(PROXY_CREDENTIALS_REFUSED).toContain('without credentials');
  expect(proxyUrlProblem('x'.repeat(10_000))).toBe(PROXY_URL_RULE);
});
