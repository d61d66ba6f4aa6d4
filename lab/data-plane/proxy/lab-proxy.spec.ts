import { readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from '@playwright/test';
import { createLabNetwork, type LabNetwork } from '../network/lab-network.ts';
import { labSkipReason } from '../network/preflight.ts';
import { bootTestHost, probe } from '../testing/test-host.ts';
import { type LabProxy, startLabProxy } from './lab-proxy.ts';

test.skip(labSkipReason() !== undefined, labSkipReason());

let lab: LabNetwork;
let proxy: LabProxy;
let controlPlane: http.Server;
let controlPlaneUrl: string;

test.beforeAll(async () => {
  lab = await createLabNetwork();
  proxy = await startLabProxy(lab);
  // Stands in for the control plane, listening where the real one listens: the lab bridge address.
  controlPlane = http.createServer((_req, res) => res.end('control plane'));
  await new Promise<void>((resolve) => controlPlane.listen(0, lab.controlPlaneAddress, resolve));
  controlPlaneUrl = `http://${lab.controlPlaneAddress}:${(controlPlane.address() as AddressInfo).port}/`;
});

test.afterAll(async () => {
  controlPlane?.close();
  await lab?.close();
});

const viaProxy = () => ['-x', proxy.url, '-o', '/dev/null', '-w', '%{http_code}'];

test('from an instance, the proxy reaches the control plane', async () => {
  expect(proxy.url).toBe(`http://${lab.subnet.proxy}:3128`);
  const { host } = await bootTestHost(lab, 'al2023-ecs', '');
  try {
    const result = await host.exec('curl', probe(controlPlaneUrl, ['-x', proxy.url]));
    expect(result).toMatchObject({ exitCode: 0, stdout: 'control plane' });
    // The log line arrives from the proxy process asynchronously.
    await expect
      .poll(() => readFile(proxy.accessLog, 'utf8').catch(() => ''))
      .toContain(`${host.privateIp} GET ${controlPlaneUrl}`);
  } finally {
    await host.shutdown();
  }
});

test("the proxy cannot reach an instance's link-local addresses (IMDS, credentials endpoint)", async () => {
  const { host } = await bootTestHost(lab, 'al2023-ecs', '');
  try {
    // Directly, the instance reaches IMDS; through the proxy the request fails at the proxy.
    expect((await host.exec('curl', probe('http://169.254.169.254/latest/meta-data/instance-id'))).exitCode).toBe(0);
    const imds = await host.exec('curl', probe('http://169.254.169.254/latest/meta-data/instance-id', viaProxy()));
    expect(imds.stdout).toMatch(/^5\d\d$/);
    const credentials = await host.exec('curl', probe('http://169.254.170.2/v2/credentials/x', viaProxy()));
    expect(credentials.stdout).toMatch(/^5\d\d$/);
  } finally {
    await host.shutdown();
  }
});
