import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { execa } from 'execa';
import { CNI_PLUGIN_NAMES, labCniPlugins } from './cni-plugins.ts';

/**
 * The lab's CNI plugins pass the real agent's start-up checks as upstream's do (agent/app/agent_unix.go
 * verifyCNIPluginsCapabilities; agent/ecscni/plugin.go Version, Capabilities): every name is installed,
 * answers `--version` in the agent's format and `--capabilities` with awsvpc-network-mode (aws-appmesh
 * only has to answer). Without the data plane's socket an ADD is a CNI error, not a hang or a crash.
 * Builds with the machine's Go 1.23 into the shared agent cache (seconds once built).
 */
test.describe.configure({ timeout: 600_000 });

test('each plugin answers the agent’s version and capability checks; an ADD without the lab is a CNI error', async () => {
  const dir = await labCniPlugins();
  for (const name of CNI_PLUGIN_NAMES) {
    const version = JSON.parse((await execa(join(dir, name), ['--version'])).stdout);
    expect(version).toEqual({
      version: 'lab-stand-in',
      dirty: false,
      gitShortHash: expect.stringMatching(/^[0-9a-f]{7}$/),
    });
    const { capabilities } = JSON.parse((await execa(join(dir, name), ['--capabilities'])).stdout);
    expect(capabilities).toEqual(name === 'aws-appmesh' ? [] : ['awsvpc-network-mode']);
  }
  const add = await execa(join(dir, 'vpc-eni'), [], {
    input: '{}',
    env: { CNI_COMMAND: 'ADD', CNI_CONTAINERID: 'c0ffee', CNI_NETNS: '/host/proc/1/ns/net', CNI_IFNAME: 'eth0' },
    reject: false,
  });
  expect(add.exitCode).toBe(1);
  expect(JSON.parse(add.stdout)).toMatchObject({
    cniVersion: '0.3.0',
    code: 11,
    msg: expect.stringContaining('not reachable'),
  });
});
