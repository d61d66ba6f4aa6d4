import type { RunMetadata } from '../../core/results/results-schema.ts';
import type { MatrixComparison } from './diff-kinds.ts';

/** `al2023-ecs: ami-1 (agent 1.100.0) → ami-2 (agent 1.101.0)` for every AMI profile that differs. */
export function amiChanges(baseline: RunMetadata, candidate: RunMetadata): string[] {
  const profiles = [...new Set([...Object.keys(baseline.amis), ...Object.keys(candidate.amis)])].sort();
  const describeAmi = (ami: RunMetadata['amis'][string] | undefined) =>
    ami ? `${ami.imageId}${ami.agentVersion ? ` (agent ${ami.agentVersion})` : ''}` : '(not used)';
  return profiles
    .filter((profile) => describeAmi(baseline.amis[profile]) !== describeAmi(candidate.amis[profile]))
    .map((profile) => `${profile}: ${describeAmi(baseline.amis[profile])} → ${describeAmi(candidate.amis[profile])}`);
}

/** `agentVersion 1.95.0 → 1.101.2 (…)` for every upgrade dimension the two runs compare (diff-kinds.ts). */
export function comparedChanges(matrix: MatrixComparison): string[] {
  return matrix.compared.map(
    (entry) =>
      `${entry.dimension} ${entry.baseline} → ${entry.candidate} (in every cell of each run: cells matched without it)`,
  );
}
