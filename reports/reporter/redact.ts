/**
 * Defence in depth: the harness never puts credentials into results, but an error message or a
 * verbose client could. Secret keys and session tokens are replaced before anything is written.
 */
const SECRET_PATTERNS: readonly RegExp[] = [
  // JSON or YAML style: "SecretAccessKey": "…", "Token": "…", sessionToken: …
  /("?(?:SecretAccessKey|secretAccessKey|SessionToken|sessionToken|Token|aws_secret_access_key|aws_session_token)"?\s*[:=]\s*"?)([A-Za-z0-9/+=]{16,})/g,
  // Environment style: AWS_SECRET_ACCESS_KEY=…, AWS_SESSION_TOKEN=…
  /((?:AWS_SECRET_ACCESS_KEY|AWS_SESSION_TOKEN)=)(\S+)/g,
];

export function redactSecrets(text: string): string {
  let redacted = text;
  for (const pattern of SECRET_PATTERNS) redacted = redacted.replace(pattern, '$1[redacted]');
  return redacted;
}
