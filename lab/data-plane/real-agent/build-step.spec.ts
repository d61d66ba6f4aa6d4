import { expect, test } from '@playwright/test';
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
