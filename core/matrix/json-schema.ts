import { z } from 'zod';
import { DIMENSIONS, type Dimension, MALFORMED_RPS_LIMIT } from './dimensions.ts';
import { dimensionValueRegistry, matrixFileSchema } from './matrix-file.ts';

/** Where the generated schema ships (copied into dist/ with fixtures/), relative to the repository. */
export const MATRIX_SCHEMA_PATH = 'fixtures/matrices/matrix.schema.json';
/** The command that rewrites it (named by the spec that fails when it is stale). */
export const REGENERATE_COMMAND = 'npx node tools/write-matrix-schema.ts';

/**
 * The JSON Schema of a matrix file, generated from the zod schema (matrix-file.ts): editors complete
 * field names, dimension names and values. Dimension values become enums (with the YAML booleans the
 * loader reads as "true"/"false"); rpsLimit also takes `steady,burst`.
 */
export function matrixJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(matrixFileSchema, {
    target: 'draft-2020-12',
    io: 'input',
    unrepresentable: 'any',
    override: (ctx) => {
      const meta = dimensionValueRegistry.get(ctx.zodSchema);
      if (!meta) return;
      for (const key of Object.keys(ctx.jsonSchema)) delete ctx.jsonSchema[key];
      Object.assign(ctx.jsonSchema, dimensionValueJsonSchema(meta.dimension));
    },
  });
  return {
    $schema: schema.$schema,
    title: 'ecs-taskrole matrix file',
    description: `Generated from core/matrix/matrix-file.ts by \`${REGENERATE_COMMAND}\`; do not edit.`,
    ...Object.fromEntries(Object.entries(schema).filter(([key]) => key !== '$schema')),
  };
}

function dimensionValueJsonSchema(dimension: Dimension): Record<string, unknown> {
  const values: (string | boolean)[] = [...DIMENSIONS[dimension].values];
  for (const flag of ['true', 'false']) if (values.includes(flag)) values.push(flag === 'true');
  const description = DIMENSIONS[dimension].describe;
  if (dimension !== 'rpsLimit') return { description, enum: values };
  return {
    description,
    anyOf: [
      { enum: [...values, MALFORMED_RPS_LIMIT] },
      { type: 'string', pattern: '^[1-9][0-9]{0,5},[1-9][0-9]{0,5}$' },
    ],
  };
}

/** The schema file's text: stable key order, two-space indent, final newline. */
export function matrixJsonSchemaText(): string {
  return `${JSON.stringify(matrixJsonSchema(), null, 2)}\n`;
}
