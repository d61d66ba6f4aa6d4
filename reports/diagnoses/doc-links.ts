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
  const issue = /^(amazon-ecs-agent|aws-sdk-php|aws-sdk-js|aws-cdk)#(\d{1,7})\b/.exec(text);
  if (issue) return `${GITHUB}/aws/${issue[1]}/issues/${issue[2]}`;
  return undefined;
}
