import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { InfrastructureError } from '../../core/errors.ts';
import { ensureGoClients } from './go-clients.ts';

test("the Go clients' folder is refused when others may write to it: tasks would run what they planted", async () => {
  const parent = mkdtempSync(join(tmpdir(), 'etr-go-clients-'));
  try {
    const dir = join(parent, 'go-clients');
    mkdirSync(dir);
    chmodSync(dir, 0o777); // as a folder left by someone else would be
    const refused = await ensureGoClients(() => {}, dir).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(InfrastructureError);
    expect(String((refused as Error).message)).toMatch(/refusing .*go-clients: group or others may write to it/);
  } finally {
    rmSync(parent, { recursive: true, force: true });
  }
});
