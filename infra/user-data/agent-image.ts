import { DEFAULT_BASELINE, DIMENSIONS, type Dimensions } from '../../core/matrix/dimensions.ts';

/**
 * The ECS agent image plain AMIs run, from Amazon ECR Public (no Docker Hub pull limits) and pinned to the
 * cell's `agentVersion`: a version the harness was checked with, not whatever `latest` is that night.
 * Tags: gallery.ecr.aws/ecs/amazon-ecs-agent.
 */
const AGENT_REPOSITORY = 'public.ecr.aws/ecs/amazon-ecs-agent';

export function agentImage(version: Dimensions['agentVersion']): string {
  return `${AGENT_REPOSITORY}:v${version}`;
}

/** The default version's image (what plain-AMI user data ran before `agentVersion` existed). */
export const AGENT_IMAGE = agentImage(DEFAULT_BASELINE.agentVersion);

/** The `agentVersion` an image reference pins, when it is one of the pinned agent images; else undefined. */
export function agentVersionOfImage(image: string): Dimensions['agentVersion'] | undefined {
  return DIMENSIONS.agentVersion.values.find((version) => agentImage(version) === image);
}
