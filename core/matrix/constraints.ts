import {
  DEFAULT_BASELINE,
  type Dimensions,
  isEcsOptimized,
  readsImdsMetadata,
  runsInSiblingContainer,
} from './dimensions.ts';

/** A combination of values that cannot exist on ECS: rejected in explicit cells, skipped in products. */
export interface Constraint {
  id: string;
  /** Why the combination cannot exist, and what to write instead. */
  message: string;
  violatedBy(cell: Dimensions): boolean;
}

export const CONSTRAINTS: readonly Constraint[] = [
  {
    id: 'host-rules-need-plain-ami',
    message:
      'hostRules other than "documented" needs ami: al2023-plain; ECS-optimized AMIs get the documented rules from ecs-init',
    violatedBy: (cell) => isEcsOptimized(cell.ami) && cell.hostRules !== 'documented',
  },
  {
    id: 'awsvpc-block-flag-needs-awsvpc',
    message:
      'awsvpcBlockImdsFlag: true (ECS_AWSVPC_BLOCK_IMDS) changes only awsvpc tasks; add network: awsvpc, or use imds: blocked for bridge tasks',
    violatedBy: (cell) => cell.awsvpcBlockImdsFlag === 'true' && cell.network !== 'awsvpc',
  },
  {
    id: 'ecs-init-package-needs-plain-ami',
    message:
      'agentInstall: ecs-init-package installs ecs-init on a plain AMI; ECS-optimized AMIs have it already (use ami: al2023-plain)',
    violatedBy: (cell) => isEcsOptimized(cell.ami) && cell.agentInstall !== 'container',
  },
  {
    id: 'agent-version-needs-agent-container',
    message:
      'agentVersion other than the default pins the agent container of a plain AMI (ami: al2023-plain, agentInstall: container); an ECS-optimized AMI, or ecs-init from a package, comes with its own agent (pick the AMI release instead; results record its agent version)',
    violatedBy: (cell) =>
      cell.agentVersion !== DEFAULT_BASELINE.agentVersion &&
      (isEcsOptimized(cell.ami) || cell.agentInstall !== 'container'),
  },
  {
    id: 'flush-needs-open-input',
    message:
      'afterBoot: rules-flushed with a hostFirewall INPUT policy of DROP leaves the agent no accept for its own replies (cut off from ECS, not a credential question); use hostFirewall: open',
    violatedBy: (cell) => cell.afterBoot === 'rules-flushed' && cell.hostFirewall !== 'open',
  },
  {
    id: 'pass-role-needs-task-role',
    message: 'passRole: not-allowed is about passing the task role; add taskRole: set',
    violatedBy: (cell) => cell.passRole === 'not-allowed' && cell.taskRole !== 'set',
  },
  {
    id: 'seed-memory-not-for-go',
    message:
      'taskMemory: seed (128 MiB) cannot hold the Go clients, which compile in their task on AWS; replay the seed with another client',
    violatedBy: (cell) => cell.taskMemory === 'seed' && (cell.client === 'sdk-go-v1' || cell.client === 'sdk-go-v2'),
  },
  {
    id: 'burst-needs-script-client',
    message:
      'load: burst and above-default-burst fetch the credentials with python or node, which the golang image of sdk-go-v1/sdk-go-v2 lacks; vary load with another client',
    violatedBy: (cell) => cell.load !== 'single' && (cell.client === 'sdk-go-v1' || cell.client === 'sdk-go-v2'),
  },
  {
    id: 'sibling-container-needs-bridge',
    message:
      "process: sibling-container* starts its container on the host's docker0 bridge whatever the task's network mode; keep network: bridge (vary network with another process)",
    violatedBy: (cell) => runsInSiblingContainer(cell.process) && cell.network !== 'bridge',
  },
  {
    id: 'sibling-container-single-load',
    message:
      'process: sibling-container* runs one client in the sibling container; vary load (concurrent fetches in the task) with another process',
    violatedBy: (cell) => runsInSiblingContainer(cell.process) && cell.load !== 'single',
  },
  {
    id: 'imds-metadata-reader-script-client',
    message:
      'process: imds-metadata-reader reads IMDS with python or node, which the golang image of sdk-go-v1/sdk-go-v2 lacks; read metadata with another client',
    violatedBy: (cell) =>
      readsImdsMetadata(cell.process) && (cell.client === 'sdk-go-v1' || cell.client === 'sdk-go-v2'),
  },
  {
    id: 'imds-metadata-reader-no-task-proxy',
    message:
      "process: imds-metadata-reader models an agent that reaches IMDS directly; a task proxy would decide its read by the client's proxy handling instead (vary taskProxy with another process)",
    violatedBy: (cell) => readsImdsMetadata(cell.process) && cell.taskProxy !== 'none',
  },
];

export function violations(cell: Dimensions): Constraint[] {
  return CONSTRAINTS.filter((constraint) => constraint.violatedBy(cell));
}
