/** Where the conformance rules' facts come from: what a report shows a reader as a rule's source. */
export const SOURCES = {
  agentCapability:
    'aws/amazon-ecs-agent agent/app/agent_capability.go; agent/config/config.go; amazon-ecs-agent#1429, #1423',
  agentProxy: 'aws/amazon-ecs-agent README "HTTP proxy configuration" (NO_PROXY); amazon-ecs-agent#605',
  ecsInit: 'aws/amazon-ecs-agent ecs-init/exec/iptables/iptables.go; former agent functional tests',
  devGuideTroubleshoot: 'Amazon ECS Developer Guide, troubleshoot-task-iam-roles.md (seed)',
  devGuideTaskRoles: 'Amazon ECS Developer Guide, task-iam-roles.md ("Using task IAM roles on your EC2 instances")',
  kbArticle: 'AWS Knowledge Center, "How can I configure IAM task roles in Amazon ECS to avoid Access Denied?" (seed)',
  sdkMinimum:
    'Amazon ECS Developer Guide, task-iam-roles.md (SDK versions from 2016-07-13); npm aws-sdk 2.4.6 vs 2.4.7',
  imdsv2:
    'Amazon EC2 User Guide, "Use IMDSv2" (HttpTokens=required rejects token-less requests with 401); aws-sdk-js v2 CHANGELOG (IMDSv2 tokens added in 2019)',
  imdsHopLimit:
    'Amazon EC2 User Guide, "Use IMDSv2" (the PUT response hop limit; a container is one more hop; SDKs that get no token response retry, then use IMDSv1) and "Configure the instance metadata options"; the clients\' source: botocore utils.py IMDSFetcher._fetch_metadata_token (read timeout: no token), @smithy/credential-provider-imds getInstanceMetadataProvider (any token error but 400: IMDSv1), aws-sdk v2 lib/metadata_service.js loadCredentials (TimeoutError: disableFetchToken)',
  sdkClients:
    "each client's credential chain as measured with the real clients against a stand-in credentials endpoint and IMDS (this project's lab/data-plane/agent/clients.spec.ts runs them)",
  rpsLimit: 'aws/amazon-ecs-agent agent/config/parse.go; agent/tmds/server.go (tollbooth); amazon-ecs-agent#1231',
  executionRole:
    'Amazon ECS Developer Guide, task_execution_IAM_role.md (its credentials go to the agent, "not directly accessible by the containers in the task")',
  iamSemantics: 'IAM policy evaluation: an identity policy without the action denies it',
  awsvpcTaskEni:
    'aws/amazon-ecs-agent ecs-init/docker/docker_config.go (ecs-init sets ECS_ENABLE_TASK_ENI=true); agent/app/agent_capability.go (ecs.capability.task-eni only then); agent/app/agent_unix.go (awsvpc needs the agent under an init process); aws/amazon-ecs-agent README (the AWS VPC networking mode: ecs-init, or docker run with --init, NET_ADMIN, SYS_ADMIN and ECS_ENABLE_TASK_ENI=true)',
  awsvpcCredentials:
    'aws/amazon-ecs-agent agent/ecscni/netconfig_linux.go and types.go (ecs-bridge/ecs-ipam: a route to 169.254.170.2/32 in the task namespace); ecs-init/exec/iptables/iptables.go (the PREROUTING DNAT has no input interface); Amazon ECS Developer Guide, task-networking-awsvpc.md',
  awsvpcBlockImds:
    'aws/amazon-ecs-agent README (ECS_AWSVPC_BLOCK_IMDS), agent/config/config.go; aws/amazon-vpc-cni-plugins network/imds/imds_linux.go and aws/amazon-ecs-cni-plugins plugins/eni/engine/nsclosure.go (a blackhole route to 169.254.169.254/32 in the task namespace)',
  taskEnv: 'aws/amazon-ecs-agent agent/api/task/task.go (credentials variable only for tasks with a role)',
} as const;
