import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { type LabState, labStatePath, readLabState, removeLabState, writeLabState } from './lab-state.ts';

const identity = (name: string) => ({
  userName: name,
  arn: `arn:aws:iam::123456789012:user/${name}`,
  accessKeyId: 'AKIAEXAMPLEEXAMPLE00',
  secretAccessKey: 'not-a-real-secret-key-but-shaped-like-one',
});
const STATE: LabState = {
  endpoint: 'http://127.0.0.1:5000',
  region: 'us-west-2',
  motoPid: 4242,
  python: '/usr/bin/python3',
  startedAt: '2026-12-03T14:00:00.000Z',
  identities: {
    harness: identity('h'),
    dataPlane: identity('d'),
    ecsService: identity('e'),
    ec2Service: identity('c'),
  },
  adminToken: 'ab'.repeat(32),
};
const mode = (path: string) => statSync(path).mode & 0o777;

let root: string;
let previousUmask: number;
test.beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'etr-lab-state-'));
  previousUmask = process.umask(0o022);
});
test.afterEach(async () => {
  process.umask(previousUmask);
  await rm(root, { recursive: true, force: true });
});

test('a new lab directory is 0700 and its state file 0600; the state reads back', () => {
  const dir = join(root, 'a', 'lab');
  writeLabState(STATE, dir);
  expect(mode(dir)).toBe(0o700);
  expect(mode(labStatePath(dir))).toBe(0o600);
  expect(readLabState(dir)).toEqual(STATE);
});

test('an existing 0755 directory and 0644 state file are corrected to 0700 and 0600', () => {
  const dir = join(root, 'lab');
  mkdirSync(dir, { mode: 0o755 });
  writeFileSync(labStatePath(dir), JSON.stringify(STATE), { mode: 0o644 });
  chmodSync(labStatePath(dir), 0o644);
  expect(readLabState(dir)).toEqual(STATE);
  expect(mode(labStatePath(dir))).toBe(0o600);
  writeLabState(STATE, dir);
  expect(mode(dir)).toBe(0o700);
  expect(mode(labStatePath(dir))).toBe(0o600);
});

test('a planted symlink as the state file is refused for writing and reading; its target is untouched', () => {
  const dir = join(root, 'lab');
  mkdirSync(dir, { mode: 0o700 });
  const target = join(root, 'victim');
  writeFileSync(target, 'original');
  symlinkSync(target, labStatePath(dir));
  expect(() => writeLabState(STATE, dir)).toThrow(/state\.json is a symbolic link; refusing to use it/);
  expect(() => readLabState(dir)).toThrow(/state\.json is a symbolic link/);
  expect(readFileSync(target, 'utf8')).toBe('original');
});

test('a symlink as the lab directory is refused', () => {
  const real = join(root, 'elsewhere');
  mkdirSync(real);
  symlinkSync(real, join(root, 'lab'));
  expect(() => writeLabState(STATE, join(root, 'lab'))).toThrow(/lab is a symbolic link; refusing to use it/);
});

test('a lab directory another user owns, or group or others may write, is refused and left as it was', () => {
  const dir = join(root, 'lab');
  mkdirSync(dir, { mode: 0o700 });
  chownSync(dir, 65534, 65534); // nobody: what another local user could have made
  expect(() => writeLabState(STATE, dir)).toThrow(
    /lab is owned by uid 65534, not by uid \d+ \(this process\); refusing/,
  );
  expect(statSync(dir).uid).toBe(65534);
  chownSync(dir, process.getuid?.() ?? 0, process.getgid?.() ?? 0);
  chmodSync(dir, 0o777);
  expect(() => writeLabState(STATE, dir)).toThrow(/lab may be written by group or others \(mode 777\); refusing/);
  expect(mode(dir)).toBe(0o777);
});

test('no state file is no lab; a state file that does not match the schema is refused, naming it', () => {
  const dir = join(root, 'lab');
  expect(readLabState(dir)).toBeUndefined();
  mkdirSync(dir, { mode: 0o700 });
  writeFileSync(labStatePath(dir), JSON.stringify({ ...STATE, motoPid: 'nope' }), { mode: 0o600 });
  expect(() => readLabState(dir)).toThrow(`the lab state ${labStatePath(dir)} is not a lab state file (motoPid:`);
  writeFileSync(labStatePath(dir), '{', { mode: 0o600 });
  expect(() => readLabState(dir)).toThrow(/is not JSON/);
});

test("removing the lab state keeps a user's own files in its folder, and the folder while they are there", () => {
  const dir = join(root, 'lab');
  writeLabState(STATE, dir);
  mkdirSync(join(dir, 'consoles'));
  writeFileSync(join(dir, 'consoles', 'i-0abc.log'), 'boot\n');
  mkdirSync(join(dir, 'my-out'));
  writeFileSync(join(dir, 'my-out', 'report.html'), '<html>');
  removeLabState(dir);
  expect(existsSync(labStatePath(dir))).toBe(false);
  expect(existsSync(join(dir, 'consoles'))).toBe(false);
  expect(readFileSync(join(dir, 'my-out', 'report.html'), 'utf8')).toBe('<html>');
});

test("removing the lab state of a folder that holds only the lab's files removes the folder", () => {
  const dir = join(root, 'lab');
  writeLabState(STATE, dir);
  writeFileSync(join(dir, 'moto.log'), '');
  removeLabState(dir);
  expect(existsSync(dir)).toBe(false);
});
