/**
 * What real clients print, as regular expressions (measured with AWS CLI v1 1.45, CLI v2 2.9, SDK for
 * JavaScript v3, aws-sdk v2). Keep the source text beside each pattern.
 */
export const CLIENT_TEXTS = {
  /** botocore / CLI v1 / CLI v2: "Error when retrieving credentials from container-role: …" */
  containerCredentialsError: /Error when retrieving credentials from container-role/,
  /** CLI v1 "Received non 200 response 429", CLI v2 "(429)", the agent's own 429 body, our burst line. */
  throttled: /non 200 response \(?429\)?|You have reached maximum request limit|burst: \d+ fetches, [1-9]\d* throttled/,
  /** CLI v1 / v2 and boto3 ("NoCredentialsError: Unable to locate credentials"). */
  unableToLocate: /Unable to locate credentials/,
  /** SDK v3: always this text; which provider failed is only in a debug logger. */
  sdkV3NoProviders: /Could not load credentials from any providers/,
  /**
   * aws-sdk-go v1 (1.44): "NoCredentialProviders: no valid providers in chain. Deprecated." whichever provider
   * failed (the endpoint provider stands in for IMDS when the container variable is set).
   */
  goV1NoProviders: /NoCredentialProviders: no valid providers in chain/,
  /**
   * aws-sdk-go-v2 (config 1.17): "operation error STS: GetCallerIdentity, failed to sign request: failed to
   * retrieve credentials: failed to refresh cached credentials, <the one provider's error>".
   */
  goV2NoCredentials: /failed to retrieve credentials: failed to refresh cached credentials/,
  /** aws-sdk v2: "CredentialsError: Missing credentials in config…", IMDS failure text. */
  sdkV2Missing: /Missing credentials in config|EC2 Metadata roleName request returned error/,
  /** Our node scripts print whether the agent's variable reached the process (never its value). */
  containerVariableSet: /^container-credentials-variable: set$/,
  /** `aws sts get-caller-identity` JSON or the SDK result: "Arn": "arn:aws:sts::123456789012:assumed-role/…" */
  callerArn: /"Arn"\s*:\s*"(arn:aws[\w-]*:sts::\d{12}:assumed-role\/[^"]+)"/,
  /** The denial names its principal: "User: arn:aws:sts::…:assumed-role/R/S is not authorized to perform: …" */
  denied: /AccessDenied(?:Exception)?|is not authorized to perform/,
  deniedPrincipal: /User: (arn:aws[\w-]*:sts::\d{12}:assumed-role\/\S+) is not authorized/,
  /** The seed's success: `aws ecs list-tasks` prints {"taskArns": [...]}. */
  listTasksSucceeded: /"taskArns"\s*:/,
  /** ECS's text (RunTask's ClientException, a stoppedReason, a service event) when the task role's trust policy refuses ecs-tasks.amazonaws.com. */
  roleNotAssumable: /ECS was unable to assume the role/,
  /** RunTask's AccessDeniedException when the caller may not pass the task role: "… is not authorized to perform: iam:PassRole on resource: <role> …". */
  passRoleDenied: /is not authorized to perform: iam:PassRole on resource/,
} as const;
