import { expect, test } from '@playwright/test';
import type { ProxySettings } from '../ecs-config.ts';
import { proxyForUrl } from './go-proxy.ts';

const via = (settings: Partial<ProxySettings>, url: string) =>
  proxyForUrl({ httpProxy: undefined, httpsProxy: undefined, noProxy: undefined, ...settings }, new URL(url))?.href;

test('no proxy configured → direct', () => {
  expect(via({}, 'http://169.254.169.254/latest')).toBeUndefined();
});

test('HTTP_PROXY without a scheme means http://host:port', () => {
  expect(via({ httpProxy: '198.18.0.9:3128' }, 'http://169.254.169.254/latest')).toBe('http://198.18.0.9:3128/');
});

test('https URLs prefer HTTPS_PROXY and fall back to HTTP_PROXY', () => {
  expect(via({ httpProxy: 'http://a:1', httpsProxy: 'http://b:2' }, 'https://ecs.us-east-1.amazonaws.com/')).toBe(
    'http://b:2/',
  );
  expect(via({ httpProxy: 'http://a:1' }, 'https://ecs.us-east-1.amazonaws.com/')).toBe('http://a:1/');
});

test('localhost and loopback never use the proxy', () => {
  expect(via({ httpProxy: 'http://a:1' }, 'http://localhost:51679/')).toBeUndefined();
  expect(via({ httpProxy: 'http://a:1' }, 'http://127.0.0.1:51679/')).toBeUndefined();
});

test('NO_PROXY: exact IPs, IP:port, CIDRs, domains, *', () => {
  const httpProxy = 'http://a:1';
  const imds = 'http://169.254.169.254/latest';
  expect(via({ httpProxy, noProxy: '169.254.169.254,169.254.170.2,/var/run/docker.sock' }, imds)).toBeUndefined();
  expect(via({ httpProxy, noProxy: '169.254.170.2' }, imds)).toBe('http://a:1/');
  expect(via({ httpProxy, noProxy: '169.254.169.254:80' }, imds)).toBeUndefined();
  expect(via({ httpProxy, noProxy: '169.254.169.254:8080' }, imds)).toBe('http://a:1/');
  expect(via({ httpProxy, noProxy: '169.254.0.0/16' }, imds)).toBeUndefined(); // Go accepts CIDRs
  expect(via({ httpProxy, noProxy: ' * ' }, imds)).toBeUndefined();
  expect(via({ httpProxy, noProxy: 'amazonaws.com' }, 'http://ecs.us-east-1.amazonaws.com/')).toBeUndefined();
  expect(via({ httpProxy, noProxy: '.amazonaws.com' }, 'http://amazonaws.com/')).toBe('http://a:1/');
  expect(via({ httpProxy, noProxy: '*.amazonaws.com' }, 'http://ecs.amazonaws.com/')).toBeUndefined();
});
