/**
 * How values reach the user data's shell script: whole files as base64 blobs (the script holds only
 * base64's alphabet and the path), words through `shellQuote`. A value is never raw text inside a heredoc or
 * an `echo '…'`, so no value — whatever passed the grammars before — can end a quote or start a command.
 */

/** One shell word, single-quoted (a `'` inside becomes `'\''`): the script's one quoting helper. */
export function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

const BASE64_LINE = 76;

/**
 * Lines that write (or, with `append`, append) `content` to `path`: `base64 -d` reading a quoted heredoc of
 * base64 lines. The comment names the file and what it carries (constant text chosen by the caller).
 */
export function writeFileLines(path: string, content: string, options: { append?: boolean; what: string }): string[] {
  const encoded = Buffer.from(content, 'utf8').toString('base64');
  const lines: string[] = [];
  for (let at = 0; at < encoded.length; at += BASE64_LINE) lines.push(encoded.slice(at, at + BASE64_LINE));
  return [
    `# ${path}: ${options.what}`,
    `base64 -d ${options.append ? '>>' : '>'} ${shellQuote(path)} <<'BASE64'`,
    ...lines,
    'BASE64',
  ];
}

/**
 * A systemd `Environment=` line for one variable, quoted and escaped as systemd.syntax(7) and
 * systemd.service(5) say: the assignment in double quotes, `\` and `"` backslash-escaped, `%` doubled (a
 * specifier otherwise), `$` left as is (Environment= does not expand it). A control character has no
 * escape the harness wants in a unit: refused.
 */
export function systemdEnvironmentLine(name: string, value: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`not an environment variable name: ${name}`);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused.
  if (/[\u0000-\u001f\u007f]/.test(value)) throw new Error(`${name}: a control character has no place in a unit file`);
  const escaped = `${name}=${value}`.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('%', '%%');
  return `Environment="${escaped}"`;
}

/**
 * An `env` stanza of an upstart override (init(5)): `env KEY=VALUE`. Upstart takes the rest of the line as
 * the value and has no escape for it: only URL and address-list characters are written.
 */
export function upstartEnvLine(name: string, value: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || !/^[A-Za-z0-9._:/[\],=+-]+$/.test(value)) {
    throw new Error(`${name}: only letters, digits and . _ : / [ ] , = + - fit an upstart env line`);
  }
  return `env ${name}=${value}`;
}
