/** `npx node infra/system/ensure-packages.ts [lab] [report-tests]`: what .ci/run and set-up call. */
import { EXIT, InfrastructureError } from '../../core/errors.ts';
import { ensureSystemPackages, LAB_PACKAGES, REAL_AGENT_PACKAGES, REPORT_TEST_PACKAGES } from './system-packages.ts';

const groups = { lab: LAB_PACKAGES, 'real-agent': REAL_AGENT_PACKAGES, 'report-tests': REPORT_TEST_PACKAGES } as const;
const wanted = process.argv.slice(2).length > 0 ? process.argv.slice(2) : Object.keys(groups);
try {
  for (const group of wanted) {
    const packages = groups[group as keyof typeof groups];
    if (!packages)
      throw new InfrastructureError(`unknown package group "${group}"; accepted: ${Object.keys(groups).join(', ')}`);
    await ensureSystemPackages(packages);
  }
} catch (error) {
  process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(EXIT.infrastructure);
}
