/**
 * Defence in depth: the harness never puts credentials into results, but an error message, a verbose
 * client (`aws --debug` prints request headers) or a task definition could. Every format a secret is
 * realistically printed in is covered: JSON (also escaped inside JSON), Python dicts, Node's inspect,
 * HTTP headers, environment and INI style, ECS environment entries, proxy URLs with a password,
 * unkeyed STS session tokens and access key ids.
 */
export const REDACTED = '[redacted]';

/** Names whose value is a secret, as written in any of those formats (case-insensitive, `_`/`-`/none between words). */
const SECRET_NAME =
  '(?:aws[_-]?)?secret[_-]?(?:access[_-]?)?key|(?:aws[_-]?)?session[_-]?token|(?:x-amz-|aws[_-]?)?security[_-]?token|(?:localstack[_-]?)?auth[_-]?token|(?:aws[_-]?container[_-]?)?authorization[_-]?token|token|password|passwd';
/** A quote as written, escaped, or escaped twice (`"`, `\"`, `\\\"`, `'`). */
const Q = String.raw`(?:\\*["'])?`;
/** The secret itself: up to the next quote, backslash, space or delimiter. */
const VALUE = String.raw`(?!\[redacted\])(?!(?:null|true|false|undefined|None)(?![^\s"'\\,;&}\])]))[^\s"'\\,;&}\])]+`;

/** Each pattern keeps group 1 (the name and separator) and replaces the value that follows. */
const KEYED: readonly RegExp[] = [
  // "SecretAccessKey": "…", 'Token': '…', sessionToken: '…', x-amz-security-token: …, AWS_SESSION_TOKEN=…
  new RegExp(String.raw`((?<![A-Za-z0-9])(?:${SECRET_NAME})${Q}\s*[:=]\s*${Q})${VALUE}`, 'gi'),
  // ECS environment entries: {"name": "AWS_SECRET_ACCESS_KEY", "value": "…"}
  new RegExp(
    String.raw`(${Q}name${Q}\s*[:=]\s*${Q}[A-Za-z0-9_]*(?:${SECRET_NAME})${Q}\s*,\s*${Q}value${Q}\s*[:=]\s*${Q})${VALUE}`,
    'gi',
  ),
  // Authorization: Bearer …
  new RegExp(String.raw`(authorization${Q}\s*[:=]\s*${Q}(?:Bearer|Basic)\s+)${VALUE}`, 'gi'),
  // A URL with a password: http://user:password@proxy:3128
  /(\b[a-z][a-z0-9+.-]*:\/\/[^\s:@/'"]+:)[^\s@/'"]+(?=@)/gi,
];

const UNKEYED: readonly [RegExp, string][] = [
  // STS session tokens start with a fixed serialisation header (IQoJb3JpZ2luX2Vj…, FwoGZXIvYXdz…).
  [/(?:IQoJb3JpZ2luX2|FwoGZXIvYXdz|FQoGZXIvYXdz)[A-Za-z0-9/+=%]{16,}/g, REDACTED],
  // Access key ids (long-term AKIA…, temporary ASIA…): the prefix stays, for diagnosis.
  [/(?<![A-Za-z0-9])(AKIA|ASIA)[A-Z0-9]{16}(?![A-Za-z0-9])/g, `$1${REDACTED}`],
];

/** Whether a mapping key names a secret (`SecretAccessKey`, `aws_session_token`, `LOCALSTACK_AUTH_TOKEN`…). */
const SECRET_KEY = new RegExp(`^[A-Za-z0-9_-]*?(?:${SECRET_NAME})$`, 'i');

export function isSecretName(name: string): boolean {
  return SECRET_KEY.test(name);
}

export function redactSecrets(text: string): string {
  let redacted = text;
  for (const pattern of KEYED) redacted = redacted.replace(pattern, `$1${REDACTED}`);
  for (const [pattern, replacement] of UNKEYED) redacted = redacted.replace(pattern, replacement);
  return redacted;
}
