/**
 * The one registry of where the harness's knowledge comes from: the documents a reader can open (`DOCS`,
 * what a diagnosis links to), the citations of the conformance rules (`SOURCES`, what results.json records
 * as a rule's source), and how a citation's parts link to documents (`linkSources`).
 */

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
  hardenedInput:
    'amazon-ecs-agent#2877 (a CIS-hardened AL2 AMI: INPUT policy DROP, containers cannot reach the task metadata and credentials endpoint; fixed by an accept rule for the agent port); ecs-init/exec/iptables/iptables.go (the DNAT to 127.0.0.1:51679; the OUTPUT REDIRECT for host mode arrives on lo)',
  rulesFlushed:
    'amazon-ecs-agent#827 (iptables rules cleared while the agent keeps running: ecs-init adds them only when the ecs service starts); ecs-init/exec/iptables/iptables.go',
  forwardImdsRule:
    'aws-cdk#17896 (an IMDS drop inserted into FORWARD instead of DOCKER-USER falls below the accept rules dockerd puts back on top when it restarts); Docker docs, "Packet filtering and firewalls" (DOCKER-USER is evaluated before Docker\'s own rules)',
  dockerForwardPolicy:
    'Docker docs, "Packet filtering and firewalls" (dockerd sets the FORWARD policy to DROP and accepts bridge traffic with its own rules)',
  ecsInitPackage:
    'Amazon ECS Developer Guide, ecs-agent-install.md (installing the agent on an Amazon Linux instance with its ecs-init package; systemctl enable --now --no-block ecs.service from user data); ecs-init/exec/iptables/iptables.go and ecs-init/docker/docker_config.go (the rules and defaults it brings)',
  goSdkProxy:
    "aws/aws-sdk-go aws/defaults/defaults.go (RemoteCredProvider: the endpoint provider on the session's HTTP client) and aws/credentials/endpointcreds/provider.go; aws/aws-sdk-go-v2 config/resolve_credentials.go (resolveHTTPCredProvider) and credentials/endpointcreds/internal/client/client.go (awshttp.NewBuildableClient); aws/aws-sdk-go-v2 aws/transport/http/client.go and Go net/http Transport (Proxy: ProxyFromEnvironment, HTTP_PROXY/NO_PROXY; only localhost and loopback are never proxied); aws/aws-sdk-go#1226 (IMDS through the proxy unless NO_PROXY names it); codesuki/ecs-nginx-proxy#17 (a Go task with no_proxy for IMDS only: NoCredentialProviders)",
  passRole:
    'IAM User Guide, "Granting a user permissions to pass a role to an AWS service"; Amazon ECS Developer Guide, task-iam-roles.md (the user who runs tasks needs iam:PassRole for the task role)',
  instanceRoleTrust:
    'Amazon ECS Developer Guide, instance_IAM_role.md (the container instance role trusts ec2.amazonaws.com); IAM User Guide, "Use an IAM role to grant permissions to applications running on Amazon EC2 instances"; aws/aws-cli#2060 (IMDS answers Code AssumeRoleUnauthorizedAccess, "EC2 cannot assume the role")',
  seedMemory:
    'Amazon ECS Developer Guide, troubleshoot-task-iam-roles.md (seed: the known-good task definition, "memory": 128); ECS Developer Guide, task_definition_parameters (memory: the hard limit, the container is killed past it); this project\'s docs/task-images.md (measured peaks)',
  taskEnv: 'aws/amazon-ecs-agent agent/api/task/task.go (credentials variable only for tasks with a role)',
  siblingContainer:
    'aws/amazon-ecs-agent agent/api/task/task.go (the variable goes into the containers of the task definition only; a container the task starts through the Docker socket is none of them); buildkite-plugins/docker-buildkite-plugin#220 (a CI agent on ECS must pass AWS_CONTAINER_CREDENTIALS_RELATIVE_URI to the containers it starts); concourse/docker-image-resource#109',
  imdsMetadataReader:
    'Amazon ECS Developer Guide, task-iam-roles.md (the DOCKER-USER rule keeps bridge containers off IMDS); Amazon EC2 User Guide, "Use IMDSv2" (the PUT response hop limit: a container is one more hop, and HttpTokens=required answers token-less requests 401); aws/aws-sdk-go aws/ec2metadata/token_provider.go (the client the X-Ray daemon reads IMDS with, aws-xray-daemon pkg/conn/conn.go: a failed or timed-out token request falls back to IMDSv1); aws-xray-daemon#40 (bridge tasks behind the documented rule: no region from IMDS), #203 (IMDSv2 required: 401, "Unable to fetch region from EC2 metadata"), #54 (instance id when IMDS is blocked)',
  siblingContainerForwarded:
    'aws/amazon-ecs-agent ecs-agent/tmds/handlers/v1/credentials_handler.go (credentials are looked up by the ID in the path alone, whoever asks); ecs-init/exec/iptables/iptables.go (the PREROUTING DNAT names no input interface: docker0 traffic to 169.254.170.2 reaches the agent); buildkite-plugins/docker-buildkite-plugin#220',
} as const;

/** A documented source a reader can open: what the report links a diagnosis or a rule to. */
export interface DocLink {
  title: string;
  url: string;
}

export const DOCS = {
  kbArticle: {
    title: 'AWS Knowledge Center: configure IAM task roles in Amazon ECS to avoid "Access Denied"',
    url: 'https://repost.aws/knowledge-center/ecs-iam-task-roles-config-errors',
  },
  devGuideTroubleshoot: {
    title: 'Amazon ECS Developer Guide: Troubleshooting IAM roles for tasks',
    url: 'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/troubleshoot-task-iam-roles.html',
  },
  devGuideTaskRoles: {
    title: 'Amazon ECS Developer Guide: Amazon ECS task IAM role',
    url: 'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-iam-roles.html',
  },
  executionRole: {
    title: 'Amazon ECS Developer Guide: Amazon ECS task execution IAM role',
    url: 'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html',
  },
  imdsv2: {
    title: 'Amazon EC2 User Guide: Instance Metadata Service version 2',
    url: 'https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-instance-metadata-service.html',
  },
  iamEvaluation: {
    title: 'IAM User Guide: policy evaluation logic',
    url: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html',
  },
  ecsAgent: { title: 'aws/amazon-ecs-agent', url: 'https://github.com/aws/amazon-ecs-agent' },
  ecsAgentReadme: {
    title: 'aws/amazon-ecs-agent README: the awsvpc network mode and ECS_AWSVPC_BLOCK_IMDS',
    url: 'https://github.com/aws/amazon-ecs-agent#readme',
  },
  awsvpc: {
    title: 'Amazon ECS Developer Guide: Amazon ECS task networking options for EC2 (awsvpc)',
    url: 'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-networking-awsvpc.html',
  },
  awsSdkNpm: { title: 'npm: aws-sdk', url: 'https://www.npmjs.com/package/aws-sdk' },
  hardenedInput: {
    title: 'aws/amazon-ecs-agent#2877: iptables INPUT policy DROP must explicitly permit the agent port',
    url: 'https://github.com/aws/amazon-ecs-agent/issues/2877',
  },
  rulesFlushed: {
    title: 'aws/amazon-ecs-agent#827: iptables rules cleared while the ECS agent keeps running',
    url: 'https://github.com/aws/amazon-ecs-agent/issues/827',
  },
  dockerPacketFiltering: {
    title: 'Docker docs: packet filtering and firewalls (DOCKER-USER)',
    url: 'https://docs.docker.com/engine/network/packet-filtering-firewalls/',
  },
  instanceRole: {
    title: 'Amazon ECS Developer Guide: Amazon ECS container instance IAM role',
    url: 'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/instance_IAM_role.html',
  },
  passRole: {
    title: 'IAM User Guide: grant a user permissions to pass a role to an AWS service',
    url: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html',
  },
  goSdkProxy: {
    title: 'aws/aws-sdk-go#1226: the Go SDK sends metadata requests through HTTP_PROXY unless NO_PROXY names them',
    url: 'https://github.com/aws/aws-sdk-go/issues/1226',
  },
  siblingContainer: {
    title:
      'buildkite-plugins/docker-buildkite-plugin#220: pass AWS_CONTAINER_CREDENTIALS_RELATIVE_URI to the containers an agent on ECS starts',
    url: 'https://github.com/buildkite-plugins/docker-buildkite-plugin/pull/220',
  },
  imdsMetadataReader: {
    title: 'aws/aws-xray-daemon#40: an X-Ray daemon in a bridge task behind the documented IMDS rule gets no region',
    url: 'https://github.com/aws/aws-xray-daemon/issues/40',
  },
} as const satisfies Record<string, DocLink>;

/** One part of a rule's source text ("A; B; C"), with a link when the part names a known document. */
export interface SourcePart {
  text: string;
  url?: string;
}

const GITHUB = 'https://github.com';
/** repo paths and issue numbers: letters, digits and ./_- only, so a link can only point into the repository. */
const PATH = /^[\w./-]+$/;

/**
 * Splits a rule's `source` (free text from results.json) at "; " and links each part that names a known
 * document, an amazon-ecs-agent file or an `owner-repo#N` issue. URLs are built only from the fixed hosts
 * above, so a hostile source text cannot produce a link anywhere else (it stays plain text).
 */
export function linkSources(source: string): SourcePart[] {
  return source
    .split(/;\s+/)
    .filter((part) => part.trim() !== '')
    .map((text) => {
      const url = urlFor(text);
      return url ? { text, url } : { text };
    });
}

function urlFor(text: string): string | undefined {
  if (text.includes('Knowledge Center')) return DOCS.kbArticle.url;
  if (text.includes('troubleshoot-task-iam-roles')) return DOCS.devGuideTroubleshoot.url;
  if (text.includes('task-iam-roles.md')) return DOCS.devGuideTaskRoles.url;
  if (text.includes('task-networking-awsvpc.md')) return DOCS.awsvpc.url;
  if (text.startsWith('aws-sdk-js v2 CHANGELOG')) return `${GITHUB}/aws/aws-sdk-js/blob/master/CHANGELOG.md`;
  if (text.includes('IMDSv2')) return DOCS.imdsv2.url;
  if (text.startsWith('IAM policy evaluation')) return DOCS.iamEvaluation.url;
  if (text.startsWith('npm aws-sdk')) return DOCS.awsSdkNpm.url;
  if (text.startsWith('Docker docs, "Packet filtering')) return DOCS.dockerPacketFiltering.url;
  // "aws/amazon-ecs-agent agent/app/x.go", and the bare "agent/…" or "ecs-init/…" paths that follow it.
  const file = /^(?:aws\/amazon-ecs-agent )?((?:agent|ecs-init)\/[\w./-]+\.go)\b/.exec(text)?.[1];
  if (file && PATH.test(file) && !file.includes('..')) return `${DOCS.ecsAgent.url}/blob/master/${file}`;
  if (text.startsWith('aws/amazon-ecs-agent README')) return `${DOCS.ecsAgent.url}#readme`;
  const issue = /^(amazon-ecs-agent|aws-sdk-php|aws-sdk-js|aws-cdk|aws-xray-daemon)#(\d{1,7})\b/.exec(text);
  if (issue) return `${GITHUB}/aws/${issue[1]}/issues/${issue[2]}`;
  return undefined;
}
