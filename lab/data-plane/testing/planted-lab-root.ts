/**
 * Test support for lab-root.spec.ts, run inside a private mount namespace (`unshare --mount`): covers /run
 * with a tmpfs of its own (the machine's real lab folder and other labs stay untouched and unseen), plants
 * LAB_ROOT as another user might (argv[2]: other-owner, symlink, group-writable), runs `lab up` and
 * `sweep --dry-run` (argv[3]: a folder for their ECS_TASKROLE_LAB_DIR) and prints what happened as one JSON line.
 */
import { chmod, chown, lstat, mkdir, mkdtemp, readdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { runCli } from '../../../testing/run-cli.ts';
import { LAB_ROOT } from '../network/lab-record.ts';

const NOBODY = 65534;
const [scenario, labDir] = process.argv.slice(2);
if (!scenario || !labDir) throw new Error('usage: planted-lab-root.ts <scenario> <lab dir>');

await execa('mount', ['-t', 'tmpfs', '-o', 'mode=0755', 'tmpfs', '/run']);
// The place a symbolic link would lead: another user's folder.
const elsewhere = await mkdtemp(join(labDir, 'elsewhere-'));
await chown(elsewhere, NOBODY, NOBODY);
if (scenario === 'symlink') await symlink(elsewhere, LAB_ROOT);
else {
  await mkdir(LAB_ROOT, { mode: 0o700 });
  if (scenario === 'other-owner') await chown(LAB_ROOT, NOBODY, NOBODY);
  else await chmod(LAB_ROOT, 0o775);
}
const before = (await lstat(LAB_ROOT)).mtimeMs;
const env = { ECS_TASKROLE_LAB_DIR: join(labDir, 'lab') };
const up = await runCli(['lab', 'up'], { env });
const sweep = await runCli(['sweep', '--dry-run'], { env });
const entries = [...(await readdir(LAB_ROOT)), ...(await readdir(elsewhere))];
const state = await lstat(join(labDir, 'lab', 'state.json')).then(
  () => true,
  () => false,
);
const unchanged = (await lstat(LAB_ROOT)).mtimeMs === before;
const outcome = (result: typeof up) => ({ exitCode: result.exitCode, stderr: result.stderr });
process.stdout.write(`${JSON.stringify({ up: outcome(up), sweep: outcome(sweep), entries, state, unchanged })}\n`);
