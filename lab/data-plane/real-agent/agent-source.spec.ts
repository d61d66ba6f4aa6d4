import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { InfrastructureError } from '../../../core/errors.ts';
import { AGENT_SOURCES_VARIABLE, agentSource, localTarballName } from './agent-source.ts';
import { AGENT_RELEASES } from './agent-versions.ts';

test('a local agent source is checked by content: a tarball of other bytes is refused, naming the pinned SHA-256', async () => {
  const folder = mkdtempSync(join(tmpdir(), 'etr-agent-sources-'));
  try {
    writeFileSync(join(folder, localTarballName('1.101.2')), 'not the snapshot');
    const refused = await agentSource('1.101.2', { [AGENT_SOURCES_VARIABLE]: folder }, folder).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(InfrastructureError);
    expect((refused as Error).message).toContain(AGENT_RELEASES['1.101.2'].snapshotSha256);
    expect((refused as Error).message).toContain('nothing was built');
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test('the pinned snapshots pass their own check (where a machine has them)', async () => {
  const folder = process.env[AGENT_SOURCES_VARIABLE];
  test.skip(!folder, `${AGENT_SOURCES_VARIABLE} names no folder of agent sources on this machine`);
  for (const version of ['1.101.2', '1.95.0'] as const) {
    const source = await agentSource(version, { [AGENT_SOURCES_VARIABLE]: folder }, folder ?? '');
    expect(source).toMatchObject({ version, origin: 'local', commit: AGENT_RELEASES[version].commit });
  }
});
