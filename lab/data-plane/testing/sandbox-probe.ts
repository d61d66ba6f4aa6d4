/**
 * Test support: runs one sandbox from inside an instance namespace (where the agent would run it) and
 * prints `{"exitCode":…,"lines":[…]}`. Usage: `ip netns exec <ns> node sandbox-probe.ts '<json>'` with
 * { argv, env, homeDir, keepUnderRoot, bridge?: { name, address, prefixLength, gateway, hostname }, killAfterMs? }.
 */
import { attachToBridge } from '../agent/tasks/bridge-network.ts';
import { startSandbox } from '../agent/tasks/sandbox.ts';

interface ProbeInput {
  argv: string[];
  env: Record<string, string>;
  homeDir: string;
  keepUnderRoot: string[];
  bridge?: { name: string; address: string; prefixLength: number; gateway: string; hostname: string };
  killAfterMs?: number;
}

const input = JSON.parse(process.argv[2] ?? '{}') as ProbeInput;
const lines: string[] = [];
const { bridge } = input;
const sandbox = await startSandbox({
  argv: input.argv,
  env: input.env,
  homeDir: input.homeDir,
  keepUnderRoot: input.keepUnderRoot,
  network: bridge
    ? {
        mode: 'bridge',
        hostname: bridge.hostname,
        configureNetwork: async (pid) => {
          await attachToBridge(pid, {
            bridge: bridge.name,
            address: bridge.address,
            prefixLength: bridge.prefixLength,
            gateway: bridge.gateway,
          });
        },
      }
    : { mode: 'host' },
  onOutput: (stream, line) => lines.push(`${stream}: ${line}`),
});
if (input.killAfterMs !== undefined) setTimeout(() => sandbox.kill(), input.killAfterMs);
const { exitCode } = await sandbox.exited;
process.stdout.write(`${JSON.stringify({ exitCode, lines })}\n`);
