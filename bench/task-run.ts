/**
 * `npx node bench/task-run.ts [runs]`: median time to run one baseline task in the lab — RunTask →
 * agent picks it up → AssumeRole → sandbox → CLI v2 `sts get-caller-identity` + the seed's `ecs list-tasks`
 * → STOPPED with the log shipped. One instance (the agent specs' minimal host, plain moto); prints figures,
 * asserts nothing.
 */
import { startAgentLab } from '../infra/lab/data-plane/agent/testing/agent-lab.ts';
import { REGION } from '../infra/lab/data-plane/agent/testing/mini-host.ts';

const runs = Number(process.argv[2] ?? 7);
const startedAt = performance.now();
const lab = await startAgentLab();
const setupMs = performance.now() - startedAt;
try {
  const seed = {
    name: 'amazonlinux',
    image: 'amazonlinux',
    entryPoint: ['/bin/bash', '-c'],
    command: [
      `yum install -y aws-cli; aws sts get-caller-identity --region ${REGION}; aws ecs list-tasks --cluster ${lab.mini.clusterName} --region ${REGION}`,
    ],
    environment: [{ name: 'AWS_ENDPOINT_URL', value: lab.mini.moto.endpoint }],
  };
  const timings: Record<string, number[]> = { bridge: [], host: [] };
  for (let index = 0; index < runs; index += 1) {
    for (const networkMode of ['bridge', 'host'] as const) {
      const before = performance.now();
      const run = await lab.runTask({ container: seed, networkMode });
      const elapsed = performance.now() - before;
      if (!run.lines.some((line) => line.includes('assumed-role/lab-task-role-'))) {
        throw new Error(`baseline ${networkMode} task did not report the task role: ${run.lines.join(' | ')}`);
      }
      timings[networkMode]?.push(elapsed);
    }
  }
  process.stdout.write(`lab set-up (namespace, moto, agent registered): ${Math.round(setupMs)} ms\n`);
  for (const [mode, values] of Object.entries(timings)) {
    const sorted = [...values].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
    process.stdout.write(
      `baseline ${mode} task, RunTask → STOPPED with log: median ${Math.round(median)} ms ` +
        `(min ${Math.round(sorted[0] ?? 0)}, max ${Math.round(sorted.at(-1) ?? 0)}, n=${sorted.length})\n`,
    );
  }
} finally {
  await lab.destroy();
}
