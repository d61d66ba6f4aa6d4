import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { execa } from 'execa';
import { goClientBuildEnvironment } from '../../images/go-clients.ts';
import { buildStep } from './build-step.ts';

const SECRETS = {
  AWS_SECRET_ACCESS_KEY: 'spec-secret-key',
  HTTPS_PROXY: 'http://user:spec-proxy-password@proxy.invalid:3128',
  GOFLAGS: '-mod=mod',
};

/** Runs `body` with the caller's environment holding what a build must never see. */
async function withCallerSecrets<T>(body: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(SECRETS).map((name) => [name, process.env[name]]));
  Object.assign(process.env, SECRETS);
  try {
    return await body();
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

test("a build step sees only what it is given: never the caller's AWS keys, proxies or Go settings", async () => {
  const seen = await withCallerSecrets(() => buildStep('env', [], { env: { GOTOOLCHAIN: 'local' } }));
  for (const value of Object.values(SECRETS)) expect(seen).not.toContain(value);
  expect(seen).toContain('GOTOOLCHAIN=local');
  expect(seen).toMatch(/^PATH=\/usr\/local\/sbin:/m);
});

test("the golang image's client build environment is the build's own (offline GOPATH mode), nothing of the caller's", async () => {
  const env = await withCallerSecrets(async () => goClientBuildEnvironment('/var/cache/spec'));
  for (const name of Object.keys(SECRETS).filter((n) => n !== 'GOFLAGS')) expect(env).not.toHaveProperty(name);
  expect(env).toMatchObject({ GO111MODULE: 'off', GOPROXY: 'off', GOFLAGS: '', GOCACHE: '/var/cache/spec/cache' });
});

test('the minimal environment still builds Go with cgo (gcc found on the fixed PATH), as ecs-init needs', async () => {
  const go = '/usr/lib/go-1.23/bin/go';
  test.skip(!existsSync(go), 'Go 1.23 (golang-1.23-go) is not installed on this machine');
  test.setTimeout(600_000); // compiles runtime/cgo from an empty cache: minutes on a busy machine
  const work = mkdtempSync(join(tmpdir(), 'etr-cgo-'));
  try {
    writeFileSync(join(work, 'go.mod'), 'module cgoprobe\n\ngo 1.23\n');
    writeFileSync(
      join(work, 'main.go'),
      'package main\n\n// int two(void) { return 2; }\nimport "C"\n\nfunc main() { println(C.two()) }\n',
    );
    const env = { GOTOOLCHAIN: 'local', GOPROXY: 'off', GOCACHE: join(work, 'cache'), GOPATH: join(work, 'gopath') };
    await withCallerSecrets(() =>
      buildStep(go, ['build', '-o', join(work, 'probe'), '.'], { cwd: work, env: { ...env, CGO_ENABLED: '1' } }),
    );
    expect((await execa(join(work, 'probe'))).stderr.trim()).toBe('2');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
