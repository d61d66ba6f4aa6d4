/**
 * cloud-init's reading of EC2 user data, for the formats ECS user data uses: a `#!` script (runs once per
 * instance, after services like docker are up), `#cloud-boothook` (runs early on every boot) and MIME
 * multipart holding those. `#cloud-config` and other formats are reported and not run.
 * Source: cloud-init docs "User data formats".
 */
export type UserDataPartKind = 'script' | 'boothook' | 'unsupported';

export interface UserDataPart {
  kind: UserDataPartKind;
  /** The executable text (a boothook without its `#cloud-boothook` line). */
  body: string;
  /** What the part was, for logs (content type or first line). */
  label: string;
}

export function parseUserData(userData: string): UserDataPart[] {
  const text = userData.replace(/\r\n/g, '\n');
  if (text.trim().length === 0) return [];
  if (/^(MIME-Version:|Content-Type:\s*multipart\/)/i.test(text)) return parseMultipart(text);
  return [classify(text, undefined)];
}

function classify(body: string, contentType: string | undefined): UserDataPart {
  const type = contentType?.toLowerCase();
  if (type === 'text/x-shellscript' || (!type && body.startsWith('#!'))) {
    return { kind: 'script', body, label: type ?? 'text/x-shellscript' };
  }
  if (type === 'text/cloud-boothook' || (!type && body.startsWith('#cloud-boothook'))) {
    return { kind: 'boothook', body: body.replace(/^#cloud-boothook[^\n]*\n?/, ''), label: 'text/cloud-boothook' };
  }
  const firstLine = body.split('\n', 1)[0] ?? '';
  return { kind: 'unsupported', body, label: type ?? (firstLine.slice(0, 40) || 'text/x-not-multipart') };
}

function parseMultipart(text: string): UserDataPart[] {
  const headerEnd = text.indexOf('\n\n');
  const headers = headerEnd < 0 ? text : text.slice(0, headerEnd);
  const boundary = /boundary="?([^";\n]+)"?/i.exec(headers)?.[1];
  if (!boundary) return [{ kind: 'unsupported', body: text, label: 'multipart without boundary' }];
  const parts: UserDataPart[] = [];
  for (const chunk of text.split(`--${boundary}`).slice(1)) {
    if (chunk.startsWith('--')) break;
    const part = chunk.replace(/^\n/, '');
    const split = part.indexOf('\n\n');
    if (split < 0) continue;
    const partHeaders = part.slice(0, split);
    let body = part.slice(split + 2).replace(/\n$/, '');
    const contentType = /^Content-Type:\s*([^;\n]+)/im.exec(partHeaders)?.[1]?.trim();
    if (/^Content-Transfer-Encoding:\s*base64/im.test(partHeaders)) body = Buffer.from(body, 'base64').toString('utf8');
    parts.push(classify(body, contentType));
  }
  return parts;
}
