import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { execa } from 'execa';
import { buildAgentBundle } from './agent-bundle.ts';
import type { AgentSetup } from './agent-setup.ts';
import type { ChildMessage } from './ipc.ts';

test('the bundled agent speaks the launcher’s protocol and refuses a bad ecs.config like the sources', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'etr-agent-bundle-'));
  try {
    const program = await buildAgentBundle(dir);
    const agent = execa(process.execPath, [program], { ipc: true, reject: false, stdin: 'ignore' });
    const config: AgentSetup = {
      instanceId: 'i-0bundle',
      rootDir: join(dir, 'root'),
      taskBridge: { name: 'none', gateway: '169.254.0.1', prefixLength: 24 },
      controlPlaneEndpoint: 'http://127.0.0.1:1',
      region: 'us-west-2',
      agentEnvironment: { ECS_AVAILABLE_LOGGING_DRIVERS: '["no-such-driver"]' },
      agentVersion: '1.101.2',
      serviceIdentity: { accessKeyId: 'AKIDBUNDLE', secretAccessKey: 'unused' },
      stateChange: 'submit',
      imagesDir: join(dir, 'images'),
      taskRoleIssuer: 'sts',
    };
    const messages: ChildMessage[] = [];
    for await (const raw of agent.getEachMessage()) {
      const message = raw as ChildMessage;
      messages.push(message);
      if (message.type === 'hello') await agent.sendMessage({ type: 'config', config });
    }
    const result = await agent;
    expect(messages.map((message) => message.type)).toEqual(['hello', 'event', 'start-failed']);
    expect(result.exitCode).toBe(5);
    const log = await readFile(join(dir, 'root/var/log/ecs/ecs-agent.log'), 'utf8');
    expect(log).toContain('Invalid logging drivers: no-such-driver');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('each bundled module keeps its own location: files beside the sources are found from the bundle', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'etr-agent-bundle-'));
  try {
    const bundle = await readFile(await buildAgentBundle(dir), 'utf8');
    const catalog = new URL('../../images/catalog.ts', import.meta.url).href;
    expect(bundle).toContain(JSON.stringify(catalog));
    // import.meta.url is left only where the bundle makes its own require.
    expect(bundle.match(/import\.meta\.url/g)).toHaveLength(1);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
