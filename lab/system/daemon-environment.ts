/**
 * The environment of the lab's long-lived daemons (moto, the data plane): an allow-list, never the
 * caller's whole environment. A CI job's real AWS_* keys, a proxy password or any other secret of the
 * caller would otherwise live on in processes that outlast the command that started them.
 */

/** What a Node or Python process needs to start and behave (locale, time zone, temp folder, pyenv). */
const INHERITED = [
  'PATH',
  'HOME',
  'LANG',
  'LC_ALL',
  'TZ',
  'TMPDIR',
  'PYENV_ROOT',
  'PYENV_VERSION',
  // Where the real ECS agent's builds are cached, and the local folder of its sources (no network).
  'XDG_CACHE_HOME',
  'ECS_TASKROLE_AGENT_SOURCES',
] as const;

/** The allow-listed variables of `from` that are set, plus `own` (the daemon's ECS_TASKROLE_* settings). */
export function daemonEnvironment(
  own: Record<string, string> = {},
  from: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  const inherited = INHERITED.flatMap((name) => (from[name] === undefined ? [] : [[name, from[name]] as const]));
  return { ...Object.fromEntries(inherited), ...own };
}
