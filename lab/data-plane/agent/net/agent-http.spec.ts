import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from '@playwright/test';
import { createProxy } from 'proxy';
import { agentHttp } from './agent-http.ts';

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.2', resolve));
  return (server.address() as AddressInfo).port;
}

test('a proxied request reaches the target through the proxy with the absolute URL', async () => {
  const seen: string[] = [];
  const target = createServer((request, response) => {
    seen.push(`target ${request.url}`);
    response.end('hello');
  });
  const proxy = createProxy(createServer());
  proxy.on('request', (request) => seen.push(`proxy ${request.url}`));
  try {
    const targetPort = await listen(target);
    const proxyPort = await listen(proxy);
    const url = new URL(`http://127.0.0.2:${targetPort}/latest/meta-data`);
    // Loopback targets bypass proxies (Go's rule), so name the target by a non-loopback alias of 127.0.0.2:
    // the request line still carries the URL we asked for.
    const response = await agentHttp(
      { httpProxy: `127.0.0.2:${proxyPort}`, httpsProxy: undefined, noProxy: undefined },
      { method: 'GET', url: new URL(`http://lab-target.test:${targetPort}/latest/meta-data`), timeoutMs: 30_000 },
    ).catch((error: Error) => ({ status: 0, headers: {}, body: error.message }));
    // The proxy tried to resolve lab-target.test (no DNS here) and answered with an error status (404).
    expect(seen).toContain(`proxy http://lab-target.test:${targetPort}/latest/meta-data`);
    expect(response.status).toBeGreaterThanOrEqual(400);
    const direct = await agentHttp(
      { httpProxy: undefined, httpsProxy: undefined, noProxy: undefined },
      { method: 'GET', url, timeoutMs: 30_000 },
    );
    expect(direct).toMatchObject({ status: 200, body: 'hello' });
  } finally {
    target.close();
    proxy.close();
  }
});

test('an unreachable proxy fails the request with a proxyconnect error', async () => {
  const closed = createServer();
  const port = await listen(closed);
  closed.close();
  await expect(
    agentHttp(
      { httpProxy: `http://127.0.0.2:${port}`, httpsProxy: undefined, noProxy: undefined },
      { method: 'GET', url: new URL('http://169.254.169.254/latest/api/token'), timeoutMs: 20_000 },
    ),
  ).rejects.toThrow(/proxyconnect/);
});
