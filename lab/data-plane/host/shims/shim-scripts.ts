import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const CURL = '/usr/bin/curl';

function quote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/**
 * A shim: a tiny sh script first on the instance's PATH that forwards its arguments (NUL-separated) and
 * its PID to the host simulator's unix socket, then prints the answer's stdout and stderr and exits with
 * the code in `X-Lab-Exit`. The simulator reads the caller's cwd, environment and files through /proc/<pid>.
 */
export function forwardingShim(name: string, socket: string): string {
  return `#!/bin/sh
# Lab shim for \`${name}\`: the host simulator answers (lab/data-plane/host/shims/).
out=$(mktemp) || exit 1
meta=$(printf '%s\\0' "$@" | ${CURL} -sS --unix-socket ${quote(socket)} -H "X-Lab-Pid: $$" -H "X-Lab-Argc: $#" \\
  --data-binary @- -o "$out" -w '%{http_code} %header{x-lab-exit} %header{x-lab-stdout-length}' ${quote(`http://lab/${name}`)})
set -- $meta
case "$1:$2" in
  200:[0-9]*)
    head -c "$3" "$out"
    tail -c "+$(($3 + 1))" "$out" >&2
    rm -f "$out"
    exit "$2"
    ;;
  *)
    rm -f "$out"
    echo "${name}: lab host simulator unreachable (\${meta:-no answer})" >&2
    exit 1
    ;;
esac
`;
}

/** A command the AMI does not have: behaves like bash's "command not found". */
export function absentShim(name: string): string {
  return `#!/bin/sh
# Not on this AMI (lab shim keeps this machine's own ${name} out of the instance).
echo "bash: ${name}: command not found" >&2
exit 127
`;
}

export async function writeShims(dir: string, socket: string, forwarded: readonly string[], absent: readonly string[]) {
  for (const name of forwarded) await writeExecutable(join(dir, name), forwardingShim(name, socket));
  for (const name of absent) await writeExecutable(join(dir, name), absentShim(name));
}

async function writeExecutable(path: string, text: string): Promise<void> {
  await writeFile(path, text);
  await chmod(path, 0o755);
}
