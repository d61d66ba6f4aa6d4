/**
 * Test support: a plain `moto_server` (no IAM enforcement) on a given address and a free port, for specs
 * that need STS/ECS/EC2/Logs before the lab's control plane exists. Always `stop()` it (afterAll).
 */
import { createServer } from 'node:net';
import { execa, type ResultPromise } from 'execa';

export const MOTO_SERVER = '/root/.pyenv/versions/3.11.7/bin/moto_server';

export interface PlainMoto {
  endpoint: string;
  stop(): Promise<void>;
}

export async function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** `managedPolicies`: load AWS managed policies (the harness attaches them to instance roles). */
export async function startPlainMoto(
  host = '127.0.0.1',
  options: { managedPolicies?: boolean } = {},
): Promise<PlainMoto> {
  const port = await freePort(host);
  const subprocess: ResultPromise = execa(MOTO_SERVER, ['-H', host, '-p', String(port)], {
    reject: false,
    buffer: false,
    stdio: ['ignore', 'ignore', 'ignore'],
    env: { MOTO_IAM_LOAD_MANAGED_POLICIES: options.managedPolicies ? 'true' : 'false' },
  });
  const endpoint = `http://${host}:${port}`;
  const stop = async () => {
    subprocess.kill('SIGTERM');
    await subprocess;
  };
  let exited = false;
  subprocess.then(() => {
    exited = true;
  });
  for (let attempt = 0; attempt < 100; attempt += 1) {
    if (exited) break;
    const up = await fetch(`${endpoint}/moto-api/`).then(
      () => true,
      () => false,
    );
    if (up) {
      // Tasks stay where the agent puts them (by default every DescribeTasks advances them).
      await fetch(`${endpoint}/moto-api/state-manager/set-transition`, {
        method: 'POST',
        body: JSON.stringify({ model_name: 'ecs::task', transition: { progression: 'manual', times: 1_000_000 } }),
      });
      return { endpoint, stop };
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stop();
  throw new Error(`moto_server did not start on ${endpoint}`);
}
