/**
 * Boot time of one simulated EC2 instance in the lab (namespace, overlays, init, docker network,
 * user data, ecs-init rules, agent launch with a no-op agent), from bootHost() until it returns.
 * Prints the median of several boots, plus lab creation and shutdown times. Needs root.
 */
import { createLabNetwork } from '../lab/index.ts';
import { bootTestHost } from '../lab/testing/index.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 9);
const USER_DATA = '#!/bin/bash\necho ECS_CLUSTER=bench >> /etc/ecs/ecs.config\n';

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

const labStart = performance.now();
const lab = await createLabNetwork();
const labMs = performance.now() - labStart;
const boots: number[] = [];
const reboots: number[] = [];
const shutdowns: number[] = [];
try {
  for (let run = 0; run < RUNS; run += 1) {
    const profile = 'al2023-ecs';
    const bootStart = performance.now();
    const { host } = await bootTestHost(lab, profile, USER_DATA);
    boots.push(performance.now() - bootStart);
    if (run < 3) {
      const rebootStart = performance.now();
      await host.reboot();
      reboots.push(performance.now() - rebootStart);
    }
    const shutdownStart = performance.now();
    await host.shutdown();
    shutdowns.push(performance.now() - shutdownStart);
  }
} finally {
  await lab.close();
}
const ms = (value: number) => `${value.toFixed(0)} ms`;
process.stdout.write(`lab network (bridge, VPC namespace, IMDS): ${ms(labMs)}\n`);
process.stdout.write(`instance boot, al2023-ecs with user data, median of ${boots.length}: ${ms(median(boots))}\n`);
process.stdout.write(`  min ${ms(Math.min(...boots))}, max ${ms(Math.max(...boots))}\n`);
process.stdout.write(`instance reboot, median of ${reboots.length}: ${ms(median(reboots))}\n`);
process.stdout.write(`instance shutdown, median of ${shutdowns.length}: ${ms(median(shutdowns))}\n`);
