/**
 * `npm` in the lab's node image: `npm install <spec>…` links the preinstalled real package the spec
 * selects into ./node_modules (no registry); anything else is a no-op. Errors look like npm's.
 */
import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { choosePackage, type LabNodePackage, parsePackageSpec } from './node-packages.ts';

const [command, ...rest] = process.argv.slice(2);
const specs = rest.filter((arg) => !arg.startsWith('-'));

if (!['install', 'i', 'add'].includes(command ?? '') || specs.length === 0) {
  process.stderr.write(`lab image: 'npm ${process.argv.slice(2).join(' ')}' is a no-op\n`);
  process.exit(0);
}

const chosen: LabNodePackage[] = [];
for (const spec of specs) {
  const choice = choosePackage(spec);
  if (!choice.ok) {
    const { name } = parsePackageSpec(spec);
    process.stderr.write(
      choice.code === 'E404'
        ? `npm error code E404\nnpm error 404 Not Found - GET https://registry.npmjs.org/${name} - Not found (lab image: not preinstalled)\n`
        : `npm error code ETARGET\nnpm error notarget No matching version found for ${spec}. (lab image: not preinstalled)\n`,
    );
    process.exit(1);
  }
  chosen.push(choice.pkg);
}

for (const pkg of chosen) {
  const target = join(process.cwd(), 'node_modules', pkg.name);
  await mkdir(dirname(target), { recursive: true });
  await rm(target, { recursive: true, force: true });
  if (pkg.endpointWrapper) await writeEndpointWrapper(target, pkg);
  else await symlink(pkg.source, target);
  process.stderr.write(`lab image: npm install ${pkg.name} → preinstalled ${pkg.name}@${pkg.version}\n`);
}

/** aws-sdk v2 ignores AWS_ENDPOINT_URL: the lab's package sets it as the global endpoint, nothing else. */
async function writeEndpointWrapper(target: string, pkg: LabNodePackage): Promise<void> {
  await mkdir(target, { recursive: true });
  await writeFile(
    join(target, 'package.json'),
    `${JSON.stringify({ name: pkg.name, version: pkg.version, main: 'index.js' })}\n`,
  );
  await writeFile(
    join(target, 'index.js'),
    [
      `// Lab image: the real ${pkg.name} ${pkg.version}; only the endpoint comes from AWS_ENDPOINT_URL.`,
      `const AWS = require(${JSON.stringify(pkg.source)});`,
      'if (process.env.AWS_ENDPOINT_URL) AWS.config.update({ endpoint: process.env.AWS_ENDPOINT_URL });',
      'module.exports = AWS;',
      '',
    ].join('\n'),
  );
}
