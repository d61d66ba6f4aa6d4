/**
 * The environment of a build the tool runs (the real ECS agent's `go build`, the golang image's clients,
 * tar, gcc): an explicit minimal one, never the caller's. Its AWS_* keys, proxy settings (with their
 * passwords) and GO* variables would otherwise reach the compilers, and could change what is built.
 */

/** Debian's system folders: where the build's tools are (go is named by its full path). */
export const BUILD_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** The caller's variables a build may see: where home and temporary files are (no secret lives there). */
const INHERITED = ['HOME', 'TMPDIR'] as const;

/** `own` over a fixed PATH, the C locale and the caller's HOME and TMPDIR; use with execa's `extendEnv: false`. */
export function buildEnvironment(
  own: Record<string, string> = {},
  from: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  const inherited = INHERITED.flatMap((name) => (from[name] === undefined ? [] : [[name, from[name]] as const]));
  return { PATH: BUILD_PATH, LC_ALL: 'C', ...Object.fromEntries(inherited), ...own };
}
