import type { Dimension, Dimensions } from '../matrix/dimensions.ts';
import type { Outcome } from '../outcome.ts';
import type { ImdsMetadataResult } from '../results/results-schema.ts';
import { DOCS, type DocLink } from '../rules/sources.ts';
import { AMI_COMMANDS, CREDENTIALS_NAT_RULES, ROUTE_LOCALNET, setAgentConfig } from './ami-commands.ts';

/** What a diagnosis's commands may depend on. */
export interface CommandContext {
  ami: keyof typeof AMI_COMMANDS;
  /** The task role's name from the task definition, or a placeholder. */
  taskRoleName: string;
  /** A `--grep` pattern that selects exactly this cell. */
  cellPattern: string;
}

export interface DiagnosisEntry {
  id: string;
  /** The entry applies to these actual outcomes… */
  outcomes: readonly Outcome[];
  /** …when every listed dimension has one of the listed values. */
  dimensions?: Partial<Record<Dimension, readonly string[]>>;
  /** …and, when listed, the task's own IMDS metadata read (`process: imds-metadata-reader`) had one of these results. */
  imdsMetadata?: readonly ImdsMetadataResult[];
  /** Used only when no specific entry matched the cell. */
  fallback?: boolean;
  /** The item of the seeds' checklist this is about, in their words. */
  checklist: string;
  /** Where the checklist item is documented; absent for the harness's own failures. */
  source?: DocLink;
  problem: string;
  fix: string;
  commands(context: CommandContext): string[];
}

const FELL_BACK: readonly Outcome[] = ['INSTANCE_ROLE_DENIED', 'INSTANCE_ROLE_LEAK', 'NO_CREDENTIALS'];
const NO_TASK_ROLE: readonly Outcome[] = [...FELL_BACK, 'ENDPOINT_ERROR'];
const KB = 'KB article: ';
const GUIDE = 'Developer Guide, troubleshooting IAM roles for tasks: ';
const NO_PROXY = 'NO_PROXY=169.254.169.254,169.254.170.2,/var/run/docker.sock';

/**
 * An entry for one `hostRules` value of the plain AMI: the task role was not reached, and the KB article's
 * requirements for non-ECS-optimized AMIs are what is missing.
 */
function plainAmiHostRules(
  id: string,
  hostRules: Dimensions['hostRules'],
  entry: Pick<DiagnosisEntry, 'problem' | 'fix' | 'commands'>,
): DiagnosisEntry {
  return {
    id,
    outcomes: NO_TASK_ROLE,
    dimensions: { ami: ['al2023-plain'], agentInstall: ['container'], hostRules: [hostRules] },
    checklist: `${KB}Meet the requirements for non-Amazon ECS Optimized AMIs`,
    source: DOCS.kbArticle,
    ...entry,
  };
}

/**
 * The diagnosis table, keyed by actual outcome + dimensions, in the seeds' words. Every specific
 * entry that matches a cell is shown (the first is the primary cause); fallback entries only when
 * nothing specific matched.
 */
export const DIAGNOSES: readonly DiagnosisEntry[] = [
  {
    id: 'seed-memory-too-small',
    outcomes: ['INFRA_ERROR'],
    dimensions: { taskMemory: ['seed'] },
    checklist: "Developer Guide, troubleshooting IAM roles for tasks: the known-good task definition's memory",
    source: DOCS.devGuideTroubleshoot,
    problem:
      "The cell ran with the seed task definition's 128 MiB hard limit; if the evidence names OutOfMemoryError (exit 137), the install or the client passed it before any credential was asked for.",
    fix: 'Give the container more memory (the harness uses 512 MiB; measure the peak of your own install and client), then rerun the cell.',
    commands: () => [
      '# taskdef.json, containerDefinitions[0]: "memory": 512',
      'aws ecs register-task-definition --cli-input-json file://taskdef.json',
    ],
  },
  {
    id: 'harness-failed',
    outcomes: ['INFRA_ERROR'],
    checklist: 'Not a configuration verdict',
    problem: 'The harness or its backend failed before the configuration could be judged.',
    fix: 'Read the error text, fix the environment (credentials, quotas, the lab), then rerun this cell.',
    commands: (c) => [`npx ecs-taskrole run --grep '${c.cellPattern}'`],
  },
  {
    id: 'cell-timed-out',
    outcomes: ['TIMEOUT'],
    checklist: 'Not a configuration verdict',
    problem: 'The cell reached its time limit before the task printed a verdict.',
    fix: 'Rerun this cell; if the task is slow to start (image pull, package install), raise the cell time limit.',
    commands: (c) => [`npx ecs-taskrole run --grep '${c.cellPattern}' --cell-timeout 600`],
  },
  {
    id: 'imds-metadata-unreadable',
    outcomes: ['TASK_ROLE', 'TASK_ROLE_DENIED', ...NO_TASK_ROLE],
    dimensions: { process: ['imds-metadata-reader'] },
    imdsMetadata: ['failed'],
    checklist:
      'Developer Guide, task IAM roles: IMDS kept from containers (here: a process in the task that reads instance metadata, as the X-Ray daemon and the CloudWatch agent do)',
    source: DOCS.imdsMetadataReader,
    problem:
      "The process could not read its region and instance id from IMDS (the task log's imds-metadata line says which request failed and how): a bridge task behind the documented DOCKER-USER rule gets no answer, with hop limit 1 the token never reaches it and HttpTokens=required refuses the token-less retry (401), an awsvpc task with ECS_AWSVPC_BLOCK_IMDS has no route. Its task-role credentials do not depend on IMDS; its start-up does.",
    fix: "Keep IMDS closed to the task and give the process its metadata another way: the region in the task definition (AWS_REGION), the X-Ray daemon's --region (and its instance id from the environment), the CloudWatch agent's region in its configuration. Only if it must read IMDS from a bridge task, raise the hop limit to 2 — that also opens the instance role to every bridge container, unless IMDS stays blocked for them.",
    commands: () => [
      '# task definition, containerDefinitions[].environment: the region without IMDS',
      '{ "name": "AWS_REGION", "value": "REGION" }',
      '# the X-Ray daemon: xray --region REGION (or -o, local mode, outside EC2 metadata)',
      '# only if the process must read IMDS from a bridge task (it then reaches the instance role too):',
      'aws ec2 modify-instance-metadata-options --instance-id INSTANCE_ID --http-put-response-hop-limit 2 --http-endpoint enabled',
    ],
  },
  {
    id: 'working',
    outcomes: ['TASK_ROLE'],
    checklist: 'Known good configuration',
    source: DOCS.devGuideTroubleshoot,
    problem: 'Nothing: the task used its task role and the call succeeded.',
    fix: 'No fix needed.',
    commands: () => [],
  },
  {
    id: 'agent-proxy-without-no-proxy',
    outcomes: ['NOT_PLACED', ...NO_TASK_ROLE],
    dimensions: { agentProxy: ['without-no-proxy'] },
    checklist: `${KB}Verify proxy settings for the ECS container agent`,
    source: DOCS.kbArticle,
    problem: 'The agent sends its requests through HTTP_PROXY, including those to IMDS and the credentials endpoint.',
    fix: `If you're using HTTP_PROXY on your ECS container agent configuration, apply the NO_PROXY setting (${NO_PROXY}), then restart the agent.`,
    commands: (c) => setAgentConfig(c.ami, [NO_PROXY]),
  },
  {
    id: 'instance-role-not-assumable-by-ec2',
    outcomes: ['NOT_PLACED'],
    dimensions: { instanceRoleTrust: ['ecs-tasks'] },
    checklist: `${KB}Confirm that the ECS container agent is running (here: it has no instance credentials to register with)`,
    source: DOCS.instanceRole,
    problem:
      "The instance role's trust policy does not name ec2.amazonaws.com, so EC2 cannot assume it: IMDS answers Code AssumeRoleUnauthorizedAccess instead of credentials, the agent cannot call ECS, and the instance never registers.",
    fix: 'Make the instance role trust ec2.amazonaws.com (the task role is the one that trusts ecs-tasks.amazonaws.com), then restart the agent or replace the instance.',
    commands: () => [
      'curl -s -H "X-aws-ec2-metadata-token: $(curl -s -X PUT -H \'X-aws-ec2-metadata-token-ttl-seconds: 60\' http://169.254.169.254/latest/api/token)" http://169.254.169.254/latest/meta-data/iam/security-credentials/INSTANCE_ROLE_NAME',
      `cat > ec2-trust.json <<'JSON'\n${EC2_TRUST_POLICY}\nJSON`,
      'aws iam update-assume-role-policy --role-name INSTANCE_ROLE_NAME --policy-document file://ec2-trust.json',
    ],
  },
  {
    id: 'task-iam-role-flag-off',
    outcomes: ['NOT_PLACED'],
    dimensions: { taskIamRoleFlag: ['false'] },
    checklist: `${KB}Enable IAM roles in your ECS container agent configuration file`,
    source: DOCS.kbArticle,
    problem:
      'ECS_ENABLE_TASK_IAM_ROLE is not true, so the instance lacks the task-iam-role attribute and ECS will not place a task that has a task role (RunTask reason ATTRIBUTE).',
    fix: 'Set ECS_ENABLE_TASK_IAM_ROLE to true in /etc/ecs/ecs.config and restart the ECS container agent.',
    commands: (c) => setAgentConfig(c.ami, ['ECS_ENABLE_TASK_IAM_ROLE=true']),
  },
  {
    id: 'network-host-flag-off',
    outcomes: ['NOT_PLACED'],
    dimensions: { network: ['host'], networkHostFlag: ['false'] },
    checklist: `${KB}Enable IAM roles in your ECS container agent configuration file`,
    source: DOCS.kbArticle,
    problem:
      'The task uses the host network mode and ECS_ENABLE_TASK_IAM_ROLE_NETWORK_HOST is not true, so the instance lacks the task-iam-role-network-host attribute.',
    fix: 'Set ECS_ENABLE_TASK_IAM_ROLE_NETWORK_HOST to true in /etc/ecs/ecs.config and restart the ECS container agent.',
    commands: (c) => setAgentConfig(c.ami, ['ECS_ENABLE_TASK_IAM_ROLE_NETWORK_HOST=true']),
  },
  {
    id: 'awsvpc-without-task-eni',
    outcomes: ['NOT_PLACED'],
    dimensions: { network: ['awsvpc'], ami: ['al2023-plain'], agentInstall: ['container'] },
    checklist: `${KB}Meet the requirements for non-Amazon ECS Optimized AMIs (here: the awsvpc network mode)`,
    source: DOCS.ecsAgentReadme,
    problem:
      'The agent was started with the plain docker run, without ECS_ENABLE_TASK_ENI=true (ecs-init sets it), so it never registered ecs.capability.task-eni and ECS places no awsvpc task (ATTRIBUTE).',
    fix: "Run the agent through ecs-init, or with the agent README's awsvpc docker run: an init process, NET_ADMIN and SYS_ADMIN, the host's /sbin, /lib, /proc and cgroups, and ECS_ENABLE_TASK_ENI=true.",
    commands: () => [
      'sudo docker rm -f ecs-agent',
      [
        'sudo docker run --name ecs-agent --detach --init --restart=on-failure:10 --net=host',
        '--cap-add=sys_admin --cap-add=net_admin --env-file=/etc/ecs/ecs.config --env ECS_ENABLE_TASK_ENI=true',
        '--env ECS_LOGFILE=/log/ecs-agent.log --env ECS_DATADIR=/data',
        '--volume=/var/run:/var/run --volume=/var/log/ecs/:/log --volume=/var/lib/ecs/data:/data --volume=/etc/ecs:/etc/ecs',
        '--volume=/sbin:/host/sbin --volume=/lib:/lib --volume=/lib64:/lib64 --volume=/usr/lib:/usr/lib',
        '--volume=/usr/lib64:/usr/lib64 --volume=/proc:/host/proc --volume=/sys/fs/cgroup:/sys/fs/cgroup',
        'public.ecr.aws/ecs/amazon-ecs-agent:v1.101.2',
      ].join(' \\\n  '),
    ],
  },
  {
    id: 'agent-not-running',
    outcomes: ['NOT_PLACED'],
    fallback: true,
    checklist: `${KB}Confirm that the ECS container agent is running`,
    source: DOCS.kbArticle,
    problem: 'The task was never placed: no registered container instance offered what the task needs.',
    fix: 'Confirm that the ECS container agent is running and registered, then read the RunTask failure reason.',
    commands: (c) => ['docker ps', AMI_COMMANDS[c.ami].agentStatus],
  },
  {
    id: 'caller-cannot-pass-role',
    outcomes: ['ROLE_NOT_ASSUMABLE'],
    dimensions: { passRole: ['not-allowed'] },
    checklist: `${KB}Confirm that your IAM policy has the correct trust relationship with your Amazon ECS tasks (here: who may pass the role)`,
    source: DOCS.passRole,
    problem:
      'RunTask was refused before any task existed: the identity that runs the task has no iam:PassRole on the task role (AccessDeniedException naming iam:PassRole), so ECS never got the role.',
    fix: 'Allow the identity that calls RunTask (a user, a CI role, a scheduler) iam:PassRole on the task role, limited to ecs-tasks.amazonaws.com.',
    commands: (c) => [
      `cat > pass-role.json <<'JSON'\n${passRolePolicy(c.taskRoleName)}\nJSON`,
      'aws iam put-role-policy --role-name CALLER_ROLE_NAME --policy-name pass-task-role --policy-document file://pass-role.json',
    ],
  },
  {
    id: 'trust-principal',
    outcomes: ['ROLE_NOT_ASSUMABLE'],
    // Fallback: a specific cause (the caller's iam:PassRole) is shown instead when the cell names one.
    fallback: true,
    checklist: `${KB}Confirm that your IAM policy has the correct trust relationship with your Amazon ECS tasks`,
    source: DOCS.kbArticle,
    problem: 'ECS could not assume the task role: its trust policy does not name ecs-tasks.amazonaws.com.',
    fix: 'Fix the trust principal: the task role must trust the service principal ecs-tasks.amazonaws.com with sts:AssumeRole.',
    commands: (c) => [
      `cat > trust.json <<'JSON'\n${TRUST_POLICY}\nJSON`,
      `aws iam update-assume-role-policy --role-name ${c.taskRoleName} --policy-document file://trust.json`,
    ],
  },
  {
    id: 'credentials-endpoint-throttled',
    outcomes: ['ENDPOINT_ERROR'],
    dimensions: { load: ['burst'] },
    checklist: `${GUIDE}The credential URL is being throttled`,
    source: DOCS.devGuideTroubleshoot,
    problem: 'The credentials endpoint answered HTTP 429: the task exceeded ECS_TASK_METADATA_RPS_LIMIT.',
    fix: 'Raise ECS_TASK_METADATA_RPS_LIMIT (steady,burst; default 40,60) and restart the agent; reuse one SDK client instead of creating one per call.',
    commands: (c) => setAgentConfig(c.ami, ['ECS_TASK_METADATA_RPS_LIMIT=100,150']),
  },
  {
    id: 'credentials-endpoint-throttled-default',
    outcomes: ['ENDPOINT_ERROR'],
    dimensions: { load: ['above-default-burst'] },
    checklist: `${GUIDE}The credential URL is being throttled`,
    source: DOCS.devGuideTroubleshoot,
    problem:
      "The credentials endpoint answered HTTP 429 with the agent's default limit: more concurrent credential fetches from one task than its burst of 60 (refilled at 40 a second).",
    fix: 'Fetch credentials once per process (one SDK client or credential provider, reused); if the task really needs more at once, raise ECS_TASK_METADATA_RPS_LIMIT above its peak and restart the agent.',
    commands: (c) => setAgentConfig(c.ami, ['ECS_TASK_METADATA_RPS_LIMIT=100,500']),
  },
  {
    id: 'host-input-policy-drop',
    outcomes: NO_TASK_ROLE,
    dimensions: { hostFirewall: ['input-drop'], network: ['bridge', 'awsvpc'] },
    checklist: 'amazon-ecs-agent#2877: a hardened host must accept the agent port in INPUT',
    source: DOCS.hardenedInput,
    problem:
      "The host's INPUT policy is DROP (a CIS-hardened AMI) and nothing accepts the agent's port: a task's request to 169.254.170.2, DNAT'ed to 127.0.0.1:51679, arrives on docker0 (or ecs-bridge) and is dropped. Host-mode tasks arrive on lo and work.",
    fix: "Accept the credentials requests after their DNAT (and the introspection port from docker0) in INPUT, and save the rules with the AMI's others.",
    commands: (c) => [
      'sudo iptables -S INPUT',
      'sudo iptables -I INPUT -p tcp -d 127.0.0.1 --dport 51679 -j ACCEPT',
      'sudo iptables -I INPUT -i docker0 -p tcp --dport 51678 -j ACCEPT',
      ...AMI_COMMANDS[c.ami].saveIptables,
    ],
  },
  {
    id: 'rules-flushed-while-agent-runs',
    outcomes: NO_TASK_ROLE,
    dimensions: { afterBoot: ['rules-flushed'] },
    checklist: 'amazon-ecs-agent#827: iptables rules cleared while the agent keeps running',
    source: DOCS.rulesFlushed,
    problem:
      "Something flushed the instance's iptables rules after the agent started (a firewall reload, a hand-run iptables -F): the DNAT and REDIRECT to 127.0.0.1:51679 are gone, and so are Docker's FORWARD accepts. Neither ecs-init nor the agent puts them back while they run.",
    fix: 'Find what flushes the rules (a firewall service or script) and stop it; then restart Docker (its rules) and the agent (ecs-init adds its rules when the ecs service starts) or, without ecs-init, add and save the documented rules again.',
    commands: (c) => [
      'sudo iptables -t nat -S | grep 169.254.170.2',
      'sudo systemctl restart docker',
      ...(c.ami === 'al2023-plain'
        ? [...CREDENTIALS_NAT_RULES, ...AMI_COMMANDS[c.ami].saveIptables]
        : AMI_COMMANDS[c.ami].restartAgent),
    ],
  },
  {
    id: 'imds-drop-in-forward',
    outcomes: ['INSTANCE_ROLE_DENIED', 'INSTANCE_ROLE_LEAK'],
    dimensions: { imds: ['blocked-forward'], afterBoot: ['docker-restarted'], network: ['bridge'] },
    checklist: `${GUIDE}block bridge-mode tasks from IMDS (the DOCKER-USER rule)`,
    source: DOCS.dockerPacketFiltering,
    problem:
      'The IMDS drop is in FORWARD, not DOCKER-USER: it worked until dockerd restarted and put its own accept rules for docker0 back on top of FORWARD, above the drop, so bridge tasks reach the instance role again.',
    fix: 'Move the drop into DOCKER-USER, which dockerd keeps first and never changes, and save the rules.',
    commands: (c) => [
      'sudo iptables -D FORWARD --in-interface docker+ --destination 169.254.169.254/32 --jump DROP',
      'sudo iptables --insert DOCKER-USER 1 --in-interface docker+ --destination 169.254.169.254/32 --jump DROP',
      ...AMI_COMMANDS[c.ami].saveIptables,
    ],
  },
  plainAmiHostRules('route-localnet-missing', 'no-route-localnet', {
    problem:
      'The DNAT rule is there but net.ipv4.conf.all.route_localnet is off, so packets from bridge tasks to 127.0.0.1:51679 are dropped.',
    fix: 'Enable route_localnet and make it permanent.',
    commands: () => [...ROUTE_LOCALNET],
  }),
  plainAmiHostRules('route-localnet-lost-at-reboot', 'documented-rebooted', {
    problem:
      'The saved iptables rules came back after the reboot, but route_localnet (set with sysctl -w) did not: the save line keeps rules, not sysctls, so bridge tasks cannot reach 127.0.0.1:51679.',
    fix: 'Enable route_localnet and make it permanent (a file in /etc/sysctl.d) next to the saved rules.',
    commands: () => [...ROUTE_LOCALNET],
  }),
  plainAmiHostRules('iptables-rules-not-saved', 'not-saved-rebooted', {
    problem: 'The iptables rules were added by hand but not saved, so the reboot reset them to the default.',
    fix: 'Add the rules again and save them so they survive a restart of the instance.',
    commands: (c) => [...ROUTE_LOCALNET, ...CREDENTIALS_NAT_RULES, ...AMI_COMMANDS[c.ami].saveIptables],
  }),
  plainAmiHostRules('iptables-rules-missing', 'none', {
    problem:
      'This AMI is not ECS-optimized and has no iptables rules sending 169.254.170.2:80 to the agent on 127.0.0.1:51679.',
    fix: 'Add the required iptables rules (and route_localnet), then save them so they survive a reboot.',
    commands: (c) => [...ROUTE_LOCALNET, ...CREDENTIALS_NAT_RULES, ...AMI_COMMANDS[c.ami].saveIptables],
  }),
  {
    id: 'endpoint-failed',
    outcomes: ['ENDPOINT_ERROR'],
    fallback: true,
    checklist: `${GUIDE}"Unable to locate credentials" causes`,
    source: DOCS.devGuideTroubleshoot,
    problem: 'The credentials variable was set but the endpoint at 169.254.170.2 failed (unreachable, 4xx or 429).',
    fix: 'Confirm that the agent is running, that the NAT rules to 127.0.0.1:51679 exist, and read the agent audit log.',
    commands: (c) => [
      'docker ps',
      AMI_COMMANDS[c.ami].agentStatus,
      'sudo iptables -t nat -S | grep 169.254.170.2',
      'sudo tail -n 50 /var/log/ecs/audit.log',
    ],
  },
  {
    id: 'task-role-unset',
    outcomes: FELL_BACK,
    dimensions: { taskRole: ['unset'] },
    checklist: `${KB}provide your IAM task role in the task definition`,
    source: DOCS.kbArticle,
    problem: 'The task definition has no taskRoleArn, so the SDK used the EC2 instance role instead.',
    fix: 'Add taskRoleArn to the task definition, register a new revision and run the task from it.',
    commands: () => [
      '# add "taskRoleArn": "arn:aws:iam::ACCOUNT:role/TASK_ROLE_NAME" to taskdef.json, then:',
      'aws ecs register-task-definition --cli-input-json file://taskdef.json',
    ],
  },
  {
    id: 'sdk-too-old',
    outcomes: FELL_BACK,
    dimensions: { client: ['sdk-js-v2-2016'] },
    checklist: `${KB}Confirm that you're using the right AWS SDK`,
    source: DOCS.kbArticle,
    problem:
      'The application uses an AWS SDK older than July 2016 (aws-sdk 2.4.6), which never asks the container endpoint.',
    fix: 'Upgrade the SDK: the application must use a version no older than the July 2016 release (aws-sdk ≥ 2.4.7; better, SDK v3).',
    commands: () => ['npm ls aws-sdk', 'npm install --save aws-sdk@latest'],
  },
  {
    id: 'env-reset-child',
    outcomes: FELL_BACK,
    dimensions: { process: ['env-reset-child'] },
    checklist: `${KB}Make the credential path environment variable available to non-PID 1 processes`,
    source: DOCS.kbArticle,
    problem:
      'The client runs in a process started with a clean environment: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI is available only to PID 1.',
    fix: 'Export the variable for non-PID-1 processes in the .profile file (needs strings and grep in the image), then rebuild the image.',
    commands: () => [
      "RUN echo 'export $(strings /proc/1/environ | grep AWS_CONTAINER_CREDENTIALS_RELATIVE_URI)' >> /root/.profile",
    ],
  },
  {
    id: 'sibling-container',
    outcomes: FELL_BACK,
    dimensions: { process: ['sibling-container'] },
    checklist: `${KB}Make the credential path environment variable available to non-PID 1 processes (here: a container the task starts through the Docker socket)`,
    source: DOCS.siblingContainer,
    problem:
      "The client runs in a container the task started through the host's Docker socket (docker run, as CI runners and docker-in-docker set-ups do). It is not a container of the task: the agent gave it no AWS_CONTAINER_CREDENTIALS_RELATIVE_URI, so its SDK asked IMDS on docker0 and got the instance role (or nothing where IMDS is blocked).",
    fix: "Pass the task's variable on to the containers it starts (docker run -e AWS_CONTAINER_CREDENTIALS_RELATIVE_URI, which takes the value from the task's own environment); block IMDS for docker0 so a sibling that misses it gets no instance role.",
    commands: () => [
      '# in the task, where it starts the sibling container:',
      'docker run -e AWS_CONTAINER_CREDENTIALS_RELATIVE_URI -e AWS_REGION IMAGE COMMAND',
      '# on the container instance (ECS Developer Guide, task IAM roles): keep bridge containers off IMDS',
      'sudo iptables --insert DOCKER-USER 1 --in-interface docker+ --destination 169.254.169.254/32 --jump DROP',
    ],
  },
  {
    id: 'task-proxy-without-no-proxy',
    outcomes: ['NO_CREDENTIALS'],
    dimensions: { taskProxy: ['without-no-proxy'] },
    checklist: `${KB}Verify proxy settings (here: the task's own HTTP_PROXY)`,
    source: DOCS.kbArticle,
    problem:
      "The client (botocore, the Go SDKs) sends its instance-metadata request through the task's HTTP_PROXY, which cannot reach 169.254.169.254.",
    fix: 'Add NO_PROXY=169.254.169.254,169.254.170.2 to the task environment next to HTTP_PROXY.',
    commands: () => [
      '# task definition, containerDefinitions[].environment:',
      '{ "name": "NO_PROXY", "value": "169.254.169.254,169.254.170.2" }',
    ],
  },
  {
    id: 'task-proxy-takes-container-credentials',
    outcomes: ['ENDPOINT_ERROR'],
    dimensions: { client: ['sdk-go-v1', 'sdk-go-v2'], taskProxy: ['without-no-proxy', 'with-no-proxy-imds-only'] },
    checklist: `${KB}Verify proxy settings (here: the task's own HTTP_PROXY, and a client that honours it for 169.254.170.2)`,
    source: DOCS.goSdkProxy,
    problem:
      "The Go SDK sends the container-credentials request to 169.254.170.2 through the task's HTTP_PROXY (its HTTP client takes the proxy from the environment for every request), and NO_PROXY does not name 169.254.170.2; the proxy cannot reach the link-local endpoint. With the variable set the SDK never tries the instance role.",
    fix: 'Add 169.254.170.2 to NO_PROXY in the task environment, next to 169.254.169.254 (the AWS CLI, botocore and the JavaScript SDKs never proxy that request, so they hide the mistake).',
    commands: () => [
      '# task definition, containerDefinitions[].environment:',
      '{ "name": "NO_PROXY", "value": "169.254.169.254,169.254.170.2" }',
      'aws ecs register-task-definition --cli-input-json file://taskdef.json',
    ],
  },
  {
    id: 'awsvpc-imds-blocked',
    outcomes: ['NO_CREDENTIALS'],
    dimensions: { network: ['awsvpc'], awsvpcBlockImdsFlag: ['true'] },
    checklist: `${KB}If a task can't find the IAM task role, the EC2 instance role is used instead (here: it cannot be)`,
    source: DOCS.ecsAgentReadme,
    problem:
      'ECS_AWSVPC_BLOCK_IMDS=true gave the task a blackhole route to 169.254.169.254, so without a task role the client found no credentials at all: the block works, the task role is missing.',
    fix: 'Keep the block and give the task its task role (taskRoleArn): awsvpc tasks reach 169.254.170.2 through ecs-bridge.',
    commands: (c) => [
      'sudo grep ECS_AWSVPC_BLOCK_IMDS /etc/ecs/ecs.config',
      `# add "taskRoleArn": "arn:aws:iam::ACCOUNT:role/${c.taskRoleName}" to taskdef.json, then:`,
      'aws ecs register-task-definition --cli-input-json file://taskdef.json',
    ],
  },
  {
    id: 'awsvpc-imds-reachable',
    outcomes: ['INSTANCE_ROLE_DENIED', 'INSTANCE_ROLE_LEAK'],
    dimensions: { network: ['awsvpc'], awsvpcBlockImdsFlag: ['false'] },
    checklist: `${KB}If a task can't find the IAM task role, the EC2 instance role is used instead`,
    source: DOCS.ecsAgentReadme,
    problem:
      'An awsvpc task reaches IMDS through its own ENI and gets the instance role; the DOCKER-USER rule for docker0 does not cover an ENI, nor does a PUT response hop limit of 1 (no routed hop).',
    fix: 'Block IMDS for awsvpc tasks with ECS_AWSVPC_BLOCK_IMDS=true, restart the agent, and give the task its task role.',
    commands: (c) => setAgentConfig(c.ami, ['ECS_AWSVPC_BLOCK_IMDS=true']),
  },
  {
    id: 'imds-hop-limit',
    outcomes: ['NO_CREDENTIALS'],
    dimensions: { imdsOptions: ['v2-hop1'], network: ['bridge'] },
    checklist: 'EC2 User Guide: the PUT response hop limit in a container environment',
    source: DOCS.imdsv2,
    problem:
      "The instance's IMDS PUT response hop limit is 1: the IMDSv2 token response cannot reach a bridge-mode container (docker0 is one more hop), and the client's retry without a token is refused because the instance requires tokens.",
    fix: 'Give the task its task role (a hop limit of 1 is often how containers are kept off the instance role); only if the container must read instance metadata, raise the hop limit to 2.',
    commands: () => [
      "aws ec2 describe-instances --instance-ids INSTANCE_ID --query 'Reservations[].Instances[].MetadataOptions'",
      '# only if the container must read instance metadata:',
      'aws ec2 modify-instance-metadata-options --instance-id INSTANCE_ID --http-put-response-hop-limit 2 --http-tokens required',
    ],
  },
  {
    id: 'instance-role-leak',
    outcomes: ['INSTANCE_ROLE_LEAK'],
    checklist: `${KB}If a task can't find the IAM task role, the EC2 instance role is used instead`,
    source: DOCS.kbArticle,
    problem:
      "Security finding: the call succeeded with the instance role, so every task on this instance has the instance role's permissions.",
    fix: 'Fix the cause above, and narrow the instance role to what the ECS agent needs (AmazonEC2ContainerServiceforEC2Role).',
    commands: () => ['aws iam list-attached-role-policies --role-name INSTANCE_ROLE_NAME'],
  },
  {
    id: 'fell-back-unknown-cause',
    outcomes: FELL_BACK,
    fallback: true,
    checklist: `${KB}To correctly configure IAM roles for your task, check the following`,
    source: DOCS.kbArticle,
    problem: 'The task did not get task-role credentials and fell back to the EC2 instance role (or to none).',
    fix: 'Go through the checklist: agent running, IAM roles enabled in ecs.config, trust relationship, proxy settings, SDK version, iptables rules, PID 1.',
    commands: (c) => [
      'docker ps',
      "sudo grep -E 'ECS_ENABLE_TASK_IAM_ROLE|PROXY' /etc/ecs/ecs.config",
      'sudo iptables -t nat -S | grep 169.254.170.2',
      AMI_COMMANDS[c.ami].agentStatus,
    ],
  },
  {
    id: 'permission-on-execution-role',
    outcomes: ['TASK_ROLE_DENIED'],
    dimensions: { taskRolePolicy: ['on-execution-role'] },
    checklist: `${KB}The IAM task role must have all the permissions required by your application`,
    source: DOCS.executionRole,
    problem:
      "The application's permission is on the task definition's execution role. ECS gives that role to the agent (image pull, logs), never to the task's containers.",
    fix: 'Put the permission on the task role (taskRoleArn), not on the execution role (executionRoleArn).',
    commands: (c) => [
      "aws ecs describe-task-definition --task-definition FAMILY --query 'taskDefinition.[taskRoleArn,executionRoleArn]'",
      `aws iam put-role-policy --role-name ${c.taskRoleName} --policy-name allow-ecs-list-tasks --policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecs:ListTasks","Resource":"*"}]}'`,
    ],
  },
  {
    id: 'task-role-lacks-permission',
    outcomes: ['TASK_ROLE_DENIED'],
    checklist: `${KB}The IAM task role must have all the permissions required by your application`,
    source: DOCS.kbArticle,
    problem: 'The task used its task role, but the role does not allow the call (here ecs:ListTasks).',
    fix: 'Grant the task role the permission.',
    commands: (c) => [
      `aws iam put-role-policy --role-name ${c.taskRoleName} --policy-name allow-ecs-list-tasks --policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecs:ListTasks","Resource":"*"}]}'`,
    ],
  },
];

function passRolePolicy(taskRoleName: string): string {
  return JSON.stringify(
    {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: 'iam:PassRole',
          Resource: `arn:aws:iam::ACCOUNT:role/${taskRoleName}`,
          Condition: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
        },
      ],
    },
    null,
    2,
  );
}

const EC2_TRUST_POLICY = JSON.stringify(
  {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
  },
  null,
  2,
);

const TRUST_POLICY = JSON.stringify(
  {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' }],
  },
  null,
  2,
);
