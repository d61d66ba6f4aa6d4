/**
 * Runs a user data script as cloud-init would (bash, as root) with every command it may call replaced by a
 * stub that records its argv, inside a private mount namespace whose /etc, /var and /run are empty tmpfs:
 * nothing of this machine is touched. File tools (mkdir, base64, chmod, tee, …) record and then really act,
 * so the files the script writes can be read back; system commands (systemctl, dnf, docker, iptables,
 * shutdown, …) only record. A command outside both lists is "not found" and shows in `notFound`.
 */
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';

const ACTING = ['mkdir', 'base64', 'chmod', 'tee', 'seq', 'cat', 'nohup'];
/** The instance's clock: `date` prints this (a fixed epoch, so two runs call `shutdown` alike). */
const NOW = 1_800_000_000;
const RECORDING = [
  'date',
  'systemctl',
  'dnf',
  'yum',
  'docker',
  'iptables',
  'iptables-save',
  'sysctl',
  'shutdown',
  'sleep',
];

export interface StubbedRun {
  /** Every stubbed command's argv, in order, as `name arg1 arg2…` (the stubs' own log). */
  calls: string[];
  /** Files the script left under /etc, /var and /run, with their contents. */
  files: Record<string, string>;
  exitCode: number;
  /** Lines where bash could not find a command (an injected one, usually). */
  notFound: string[];
}

export async function runUnderStubs(userData: string, options: { systemd: boolean }): Promise<StubbedRun> {
  const dir = await mkdtemp(join(tmpdir(), 'etr-stubbed-'));
  try {
    const bin = join(dir, 'bin');
    const log = join(dir, 'calls.log');
    await execa('mkdir', ['-p', bin]);
    for (const name of [...ACTING, ...RECORDING]) {
      const real = ACTING.includes(name) ? `exec /usr/bin/${name} "$@"` : name === 'date' ? `echo ${NOW}` : 'exit 0';
      // One line per call: the name and each argument as printf %q would quote it.
      const stub = `#!/bin/bash\nprintf '%q ' ${name} "$@" >> ${log}\necho >> ${log}\n${real}\n`;
      await writeFile(join(bin, name), stub);
      await chmod(join(bin, name), 0o755);
    }
    await writeFile(join(dir, 'user-data'), userData);
    const dump = join(dir, 'files.json');
    const result = await execa(
      '/usr/bin/unshare',
      ['--mount', '--propagation', 'private', '/usr/bin/bash', '--norc', '--noprofile', '-c', sandbox(dir, dump)],
      {
        reject: false,
        env: { PATH: bin, HOME: '/nonexistent', SYSTEMD: options.systemd ? '1' : '' },
        extendEnv: false,
        all: true,
        timeout: 60_000,
      },
    );
    const calls = (await readFile(log, 'utf8').catch(() => ''))
      .split('\n')
      .filter(Boolean)
      .map((line) => line.trim());
    const files = JSON.parse(await readFile(dump, 'utf8').catch(() => '{}')) as Record<string, string>;
    const notFound = String(result.all ?? '')
      .split('\n')
      .filter((line) => /command not found|No such file or directory/.test(line));
    return { calls, files, exitCode: result.exitCode ?? -1, notFound };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The namespace's set-up (real tools by absolute path), the script, then every file it left as JSON. */
function sandbox(dir: string, dump: string): string {
  return [
    'set -e',
    'for d in /etc /var /run; do /usr/bin/mount -t tmpfs tmpfs "$d"; done',
    '/usr/bin/mkdir -p /etc/rc.d /etc/init /etc/systemd/system /etc/sysconfig',
    'if [ -n "$SYSTEMD" ]; then /usr/bin/mkdir -p /run/systemd/system; fi',
    'set +e',
    `/usr/bin/bash --norc --noprofile ${dir}/user-data`,
    'code=$?',
    `/usr/bin/python3 -c 'import json,os,sys
out={}
for top in ("/etc","/var","/run"):
    for root,_,names in os.walk(top):
        for n in names:
            p=os.path.join(root,n)
            out[p]=open(p,errors="replace",newline="").read()
json.dump(out,open(sys.argv[1],"w"))' ${dump}`,
    'exit $code',
  ].join('\n');
}
