/**
 * The lab's default workers (cells at once) and concurrent boots, from this machine's CPU headroom: every
 * part of a lab cell runs on this machine (its host, agent, task clients, moto), so the lab's parallelism is
 * bound by free CPU, not by cores alone.
 *
 * Measured with `npm run bench -- default-matrix` (its CPU breakdown): a running cell keeps about half a core
 * busy (CPU-seconds of harness, lab and clients over its task's run time), and the harness's own steps
 * (a poll's answer, a cell's start and end) wait behind that. On a quiet 2-core machine two workers met the
 * targets (wall/floor 1.29, overhead p50 290 ms) and four, the old "two per core", did not (1.63, 626 ms):
 * one worker per idle core, at most 8 (the old cap).
 */
import { parallelismForHeadroom, sampleCpuHeadroom } from '../../infra/system/cpu-headroom.ts';

export const LAB_WORKERS_PER_IDLE_CORE = 1;
export const LAB_MAX_WORKERS = 8;

export async function labDefaultWorkers(): Promise<number> {
  return parallelismForHeadroom((await sampleCpuHeadroom()).idleCores, LAB_WORKERS_PER_IDLE_CORE, LAB_MAX_WORKERS);
}

/** A host's boot is CPU work (namespaces, iptables, ecs-init, the agent's start): one per idle core at once. */
export async function labConcurrentBoots(): Promise<number> {
  return parallelismForHeadroom((await sampleCpuHeadroom()).idleCores, 1, LAB_MAX_WORKERS);
}
