/**
 * For specs: a control-plane lab of one spec file's own (moto with moto_lab.py's fixes, IAM enforcement on,
 * no data plane), up in that file's beforeAll and down, with its folder, in its afterAll.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from '@playwright/test';
import { credentialsOf, type LabIdentity } from '../control-plane/identities.ts';
import { labDown, labUp } from '../lab-lifecycle.ts';
import type { LabState } from '../lab-state.ts';

export type Credentials = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };

export interface ControlPlaneLab {
  /** The lab's state (endpoint, region, identities); from the file's beforeAll on. */
  readonly state: LabState;
  /** The lab's folder (ECS_TASKROLE_LAB_DIR's counterpart); from the file's beforeAll on. */
  readonly dir: string;
  /** An SDK client's configuration signing as a lab identity or as credentials a spec made; no retries. */
  client(signer: LabIdentity | Credentials): {
    endpoint: string;
    region: string;
    maxAttempts: 1;
    credentials: Credentials;
  };
}

/** Registers the file's beforeAll and afterAll; call it at the top level of a spec file. */
export function controlPlaneLab(folderPrefix: string): ControlPlaneLab {
  let dir: string | undefined;
  let state: LabState | undefined;
  test.beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), folderPrefix));
    ({ lab: state } = await labUp(dir));
  });
  test.afterAll(async () => {
    if (!dir) return;
    await labDown(dir);
    await rm(dir, { recursive: true, force: true });
  });
  const started = () => {
    if (!state || !dir) throw new Error('the lab starts in beforeAll');
    return state;
  };
  return {
    get state() {
      return started();
    },
    get dir() {
      started();
      return dir ?? '';
    },
    client(signer) {
      const lab = started();
      const credentials = 'userName' in signer ? credentialsOf(signer) : signer;
      return { endpoint: lab.endpoint, region: lab.region, maxAttempts: 1, credentials };
    },
  };
}

/** A resource name no other spec or earlier test uses. */
export const unique = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;
