/**
 * The ECS agent image plain AMIs run, from Amazon ECR Public (no Docker Hub pull limits) and pinned: a
 * version the harness was checked with, not whatever `latest` is that night. Tags: gallery.ecr.aws/ecs/amazon-ecs-agent.
 */
export const AGENT_IMAGE = 'public.ecr.aws/ecs/amazon-ecs-agent:v1.101.2';
