import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { execa } from 'execa';
import { GO_CLIENTS_DIR } from '../../../images/go-clients.ts';
import { useMiniHost } from '../../testing/mini-host.ts';

const PROBE = new URL('../../testing/sandbox-probe.ts', import.meta.url).pathname;
const ENV = { PATH: '/usr/local/bin:/usr/bin:/bin', FOO: 'from-task-env' };

test.describe.configure({ mode: 'serial' });
test.describe('task sandbox (needs root: namespaces)', () => {
  const lab = useMiniHost();

  async function probe(input: Record<string, unknown>) {
    const homeDir = await mkdtemp(join(lab().dir, 'home-'));
    await writeFile(join(homeDir, '.profile'), '# image profile\n');
    const result = await execa('ip', [
      'netns',
      'exec',
      lab().host.netns,
      process.execPath,
      PROBE,
      JSON.stringify({ env: ENV, homeDir, keepUnderRoot: [], ...input }),
    ]);
    return JSON.parse(result.stdout) as { exitCode: number; lines: string[] };
  }

  test('the command is PID 1 with the task environment, /root is the image home', async () => {
    const { exitCode, lines } = await probe({
      argv: ['/bin/sh', '-c', 'echo "pid=$$"; tr "\\0" "\\n" < /proc/1/environ | grep FOO; ls -A /root; pwd; exit 3'],
    });
    expect(exitCode).toBe(3);
    expect(lines).toEqual(['stdout: pid=1', 'stdout: FOO=from-task-env', 'stdout: .profile', 'stdout: /root']);
  });

  test("the lab's Go client builds are read-only in a task: it reads them, cannot replace them", async () => {
    await mkdir(GO_CLIENTS_DIR, { recursive: true, mode: 0o700 });
    const { exitCode, lines } = await probe({
      argv: ['/bin/sh', '-c', `ls -d ${GO_CLIENTS_DIR} && touch ${GO_CLIENTS_DIR}/planted-by-task; echo "touch=$?"`],
    });
    expect(exitCode).toBe(0);
    expect(lines).toContain(`stdout: ${GO_CLIENTS_DIR}`);
    expect(lines).toContain('stdout: touch=1');
    expect(existsSync(join(GO_CLIENTS_DIR, 'planted-by-task'))).toBe(false);
  });

  test('paths under the host /root the image needs stay visible (pyenv)', async () => {
    const { lines } = await probe({
      argv: ['/root/.pyenv/versions/3.11.7/bin/python3', '--version'],
      keepUnderRoot: ['/root/.pyenv'],
    });
    expect(lines).toEqual(['stdout: Python 3.11.7']);
  });

  test('bridge mode: own eth0 on docker0, own hostname, default route through the instance', async () => {
    const motoUrl = lab().moto.endpoint;
    const { exitCode, lines } = await probe({
      argv: [
        '/bin/sh',
        '-c',
        `hostname; ip -4 -o addr show dev eth0 | awk '{print $4}'; ip route show default; /usr/bin/python3 -c "import urllib.request; print(urllib.request.urlopen('${motoUrl}/moto-api/').status)"`,
      ],
      bridge: {
        name: 'docker0',
        address: '198.18.200.77',
        prefixLength: 24,
        gateway: '198.18.200.1',
        hostname: 'task-77',
      },
    });
    expect(exitCode).toBe(0);
    expect(lines).toEqual([
      'stdout: task-77',
      'stdout: 198.18.200.77/24',
      'stdout: default via 198.18.200.1 dev eth0 ',
      'stdout: 200',
    ]);
  });

  test('kill takes down every process of the task: exit 137, nothing left in the namespace', async () => {
    const { exitCode } = await probe({
      argv: ['/bin/sh', '-c', 'sleep 300 & sleep 300'],
      bridge: { name: 'docker0', address: '198.18.200.78', prefixLength: 24, gateway: '198.18.200.1', hostname: 't' },
      killAfterMs: 300,
    });
    expect(exitCode).toBe(137);
    const pids = await execa('ip', ['netns', 'pids', lab().host.netns]);
    const commands = await Promise.all(
      pids.stdout
        .split('\n')
        .filter(Boolean)
        .map((pid) => execa('cat', [`/proc/${pid}/cmdline`], { reject: false })),
    );
    expect(commands.map((c) => c.stdout).filter((cmd) => cmd.includes('sleep'))).toEqual([]);
    const links = await lab().exec('ip', ['-o', 'link', 'show', 'master', 'docker0']);
    expect(links.stdout).toBe(''); // both veth ends went with the task's namespace
  });
});
