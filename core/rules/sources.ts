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
    "each client's credential chain as measured with the real clients against a stand-in credentials endpoint and IMDS (this project's infra/lab/data-plane/agent/clients.spec.ts runs them)",
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
  // "aws/amazon-ecs-agent agent/app/x.go", and the bare "agent/…" or "ecs-init/…" paths that follow it.
  const file = /^(?:aws\/amazon-ecs-agent )?((?:agent|ecs-init)\/[\w./-]+\.go)\b/.exec(text)?.[1];
  if (file && PATH.test(file) && !file.includes('..')) return `${DOCS.ecsAgent.url}/blob/master/${file}`;
  if (text.startsWith('aws/amazon-ecs-agent README')) return `${DOCS.ecsAgent.url}#readme`;
  const issue = /^(amazon-ecs-agent|aws-sdk-php|aws-sdk-js)#(\d{1,7})\b/.exec(text);
  if (issue) return `${GITHUB}/aws/${issue[1]}/issues/${issue[2]}`;
  return undefined;
}
