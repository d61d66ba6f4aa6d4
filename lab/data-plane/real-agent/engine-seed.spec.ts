/**
 * The engine seed's clone (engine-seed.ts) and the task images' names and settings (task-images.ts): image
 * layers shared by hard links, every database the engine writes its own copy, the overlay2 short links kept.
 */
import { lstat, mkdir, mkdtemp, readlink, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { IMAGES } from '../../images/catalog.ts';
import { loadImageRoots } from '../../images/image-roots.ts';
import { cloneDataRoot } from './engine-seed.ts';
import { imageNames, importChanges } from './task-images.ts';

let dir = '';
test.beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'etr-seed-'));
});
test.afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('a clone hard-links the layers and copies the databases and links', async () => {
  const seed = join(dir, 'seed');
  const layer = join(seed, 'overlay2', 'abc123');
  await mkdir(join(layer, 'diff', 'usr', 'bin'), { recursive: true });
  await writeFile(join(layer, 'diff', 'usr', 'bin', 'aws'), '#!/bin/sh\n');
  await writeFile(join(layer, 'link'), 'SHORT');
  await mkdir(join(seed, 'overlay2', 'l'), { recursive: true });
  await symlink('../abc123/diff', join(seed, 'overlay2', 'l', 'SHORT'));
  await mkdir(join(seed, 'image', 'overlay2'), { recursive: true });
  await writeFile(join(seed, 'image', 'overlay2', 'repositories.json'), '{}');
  const clone = join(dir, 'clone');

  await cloneDataRoot(seed, clone);

  const same = async (path: string) => (await stat(join(seed, path))).ino === (await stat(join(clone, path))).ino;
  expect(await same('overlay2/abc123/diff/usr/bin/aws')).toBe(true);
  expect(await same('overlay2/abc123/link')).toBe(false);
  expect(await same('image/overlay2/repositories.json')).toBe(false);
  expect((await lstat(join(clone, 'overlay2', 'l', 'SHORT'))).isSymbolicLink()).toBe(true);
  expect(await readlink(join(clone, 'overlay2', 'l', 'SHORT'))).toBe('../abc123/diff');
});

test("a task image carries every name the catalog serves, the image's ENV, HOME as workdir and its CMD", () => {
  const images = loadImageRoots(join(dir, 'images'));
  for (const spec of IMAGES) {
    const root = images.root(spec.id);
    const names = imageNames(root);
    expect(names).toHaveLength(spec.repositories.length * spec.tags.length);
    expect(names).toContain(`${spec.repositories[0]}:${spec.tags[0]}`);
    const changes = importChanges(root);
    expect(changes).toContain(`ENV PATH=${spec.path}`);
    expect(changes).toContain('WORKDIR /root');
    expect(changes).toContain(`CMD ${JSON.stringify(spec.cmd)}`);
  }
});
