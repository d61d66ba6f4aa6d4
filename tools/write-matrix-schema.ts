/**
 * Writes fixtures/matrices/matrix.schema.json from the zod schema of a matrix file. Run it after changing
 * core/matrix/matrix-file.ts or a dimension's values (core/matrix/matrix-schema.spec.ts fails until then):
 *   npx node tools/write-matrix-schema.ts
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MATRIX_SCHEMA_PATH, matrixJsonSchemaText } from '../core/matrix/json-schema.ts';

const file = fileURLToPath(new URL(`../${MATRIX_SCHEMA_PATH}`, import.meta.url));
writeFileSync(file, matrixJsonSchemaText());
// In the project's JSON style, so `biome check` passes on it (the spec compares the parsed documents).
const biome = fileURLToPath(new URL('../node_modules/.bin/biome', import.meta.url));
spawnSync(biome, ['format', '--write', file], { stdio: 'ignore' });
process.stdout.write(`wrote ${MATRIX_SCHEMA_PATH}\n`);
