import { z } from 'zod';
import { REGION_PATTERN, REGION_RULE } from '../input/region.ts';
import { OUTCOMES } from '../outcome.ts';
import { hasUnsafeCharacters, quoteForMessage } from '../text/safe-text.ts';
import { acceptedValuesText, acceptsValue, DIMENSION_NAMES, DIMENSIONS, type Dimension } from './dimensions.ts';
import { amiPinsSchema, proxyUrlSchema } from './pins.ts';

/** Which dimension a value schema is for: the JSON Schema generator (json-schema.ts) turns it into an enum. */
export const dimensionValueRegistry = z.registry<{ dimension: Dimension }>();

/**
 * The matrix file format (README "Matrix format"). Structure is checked by zod; dimension names and
 * values get messages that list what would be accepted. YAML booleans and numbers are read as the
 * strings the dimensions use (`taskIamRoleFlag: false` means "false").
 */
const dimensionValue = (dimension: Dimension) =>
  withDimension(
    dimension,
    z.preprocess(
      (value) => (typeof value === 'boolean' || typeof value === 'number' ? String(value) : value),
      z
        .string({ error: `expected a ${dimension} value (${acceptedValuesText(dimension)})` })
        .refine((value) => acceptsValue(dimension, value), {
          error: (issue) =>
            `"${quoteForMessage(String(issue.input))}" is not a ${dimension} value; accepted: ${acceptedValuesText(dimension)}`,
        }),
    ),
  );

function withDimension<T extends z.ZodType>(dimension: Dimension, schema: T): T {
  dimensionValueRegistry.add(schema, { dimension });
  return schema;
}

const valueList = (dimension: Dimension) =>
  z.array(dimensionValue(dimension), { error: `expected a list of ${dimension} values` }).min(1, {
    message: `expected at least one ${dimension} value (${acceptedValuesText(dimension)})`,
  });

const dimensionMap = <T extends z.ZodType>(valueSchema: (d: Dimension) => T) =>
  z.strictObject(
    Object.fromEntries(
      DIMENSION_NAMES.map((d) => [d, valueSchema(d).optional().describe(DIMENSIONS[d].describe)]),
    ) as Record<Dimension, z.ZodOptional<T>>,
    { error: 'expected a mapping of dimension names' },
  );

export const partialCellSchema = dimensionMap(dimensionValue);
const dimensionListsSchema = dimensionMap(valueList);

/** Matrix names end up in reports, tags and file names: letters, digits and a few separators only. */
const NAME = /^[\p{L}\p{N}][\p{L}\p{N} ._:/+-]{0,99}$/u;
const NAME_RULE = 'expected 1–100 letters, digits, spaces or . _ : / + - (starting with a letter or digit)';

/** Free text (why an override exists): any printable text, no control or bidi characters. */
const sentence = z
  .string({ error: 'expected a sentence saying why' })
  .min(1, { message: 'expected a sentence saying why' })
  .max(500, { message: 'at most 500 characters' })
  .refine((text) => !hasUnsafeCharacters(text, { oneLine: true }), {
    message: 'control, NUL or bidi characters are not accepted; expected one line of plain text',
  });

export const matrixFileSchema = z.strictObject(
  {
    name: z
      .string({ error: NAME_RULE })
      .regex(NAME, { message: NAME_RULE })
      .optional()
      .describe('the matrix name (reports, tags, diff)'),
    region: z
      .string({ error: REGION_RULE })
      .regex(REGION_PATTERN, { message: REGION_RULE })
      .optional()
      .describe('AWS region (default us-west-2; run --region overrides)'),
    baseline: partialCellSchema.optional().describe('the known-good cell; omitted dimensions take their first value'),
    vary: dimensionListsSchema.optional().describe('each value alone, one factor at a time from the baseline'),
    cross: z
      .array(dimensionListsSchema, { error: 'expected a list of mappings dimension → values' })
      .optional()
      .describe('cartesian product of each mapping, over the baseline'),
    cells: z
      .array(partialCellSchema, { error: 'expected a list of partial cells' })
      .optional()
      .describe('explicit partial cells, merged over the baseline'),
    amis: amiPinsSchema.optional(),
    proxyUrl: proxyUrlSchema.optional(),
    expect: z
      .array(
        z.strictObject({
          when: partialCellSchema,
          outcome: z.enum(OUTCOMES, { error: `expected an outcome class; accepted: ${OUTCOMES.join(', ')}` }),
          because: sentence,
        }),
        { error: 'expected a list of { when, outcome, because }' },
      )
      .optional()
      .describe('overrides of the conformance rules; the first matching `when` wins'),
  },
  { error: 'expected a mapping with name, region, baseline, vary, cross, cells, amis, proxyUrl, expect' },
);

export type MatrixFile = z.infer<typeof matrixFileSchema>;

export const TOP_LEVEL_FIELDS = Object.keys(matrixFileSchema.shape);
