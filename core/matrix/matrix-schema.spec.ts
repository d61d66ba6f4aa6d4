import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { DIMENSIONS } from './dimensions.ts';
import { MATRIX_SCHEMA_PATH, matrixJsonSchemaText, REGENERATE_COMMAND } from './json-schema.ts';
import { parseMatrixText } from './load.ts';

const MATRICES = fileURLToPath(new URL('../../fixtures/matrices/', import.meta.url));
const SCHEMA_FILE = fileURLToPath(new URL(`../../${MATRIX_SCHEMA_PATH}`, import.meta.url));
const STALE_HINT = `if a dimension changed, run \`${REGENERATE_COMMAND}\` and commit ${MATRIX_SCHEMA_PATH}`;
const EXAMPLES = readdirSync(MATRICES).filter((name) => /\.ya?ml$/.test(name));

function validator() {
  const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
  ajv.addFormat('uri', true);
  return ajv.compile(JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')));
}

test('the committed matrix.schema.json is the one the zod schema generates', () => {
  const committed = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8'));
  expect(
    JSON.stringify(committed) === JSON.stringify(JSON.parse(matrixJsonSchemaText())),
    `${MATRIX_SCHEMA_PATH} is stale (matrix-file.ts or a dimension changed): run \`${REGENERATE_COMMAND}\` and commit it`,
  ).toBe(true);
});

test('every dimension value is an enum in the schema, with its description', () => {
  const schema = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8'));
  const vary = schema.properties.vary.properties;
  for (const [dimension, { values, describe }] of Object.entries(DIMENSIONS)) {
    const items = vary[dimension].items;
    expect(items.description, STALE_HINT).toBe(describe);
    const enumValues = items.enum ?? items.anyOf[0].enum;
    expect(enumValues, `${dimension}: ${STALE_HINT}`).toEqual(expect.arrayContaining([...values]));
  }
});

test('the shipped examples: at least the default, an upgrade gate, a proxy fleet and a plain-AMI fleet', () => {
  expect(EXAMPLES).toEqual(
    expect.arrayContaining(['default.yaml', 'upgrade-gate.yaml', 'proxy-fleet.yaml', 'plain-ami-fleet.yaml']),
  );
});

for (const example of EXAMPLES) {
  test(`${example}: valid under the JSON Schema and the loader, and names the schema in its modeline`, () => {
    const text = readFileSync(`${MATRICES}${example}`, 'utf8');
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=./matrix.schema.json');
    const validate = validator();
    expect(validate(parse(text)), `${JSON.stringify(validate.errors)}; ${STALE_HINT}`).toBe(true);
    expect(() => parseMatrixText(text, example)).not.toThrow();
  });
}

test('a typo in a dimension name is an editor-style error naming the field, as the loader says it', () => {
  const text = 'vary:\n  netwrok: [host]\n';
  const validate = validator();
  expect(validate(parse(text))).toBe(false);
  expect(validate.errors).toContainEqual(
    expect.objectContaining({
      instancePath: '/vary',
      keyword: 'additionalProperties',
      params: { additionalProperty: 'netwrok' },
      message: 'must NOT have additional properties',
    }),
  );
  expect(() => parseMatrixText(text, 'm.yaml')).toThrow(/vary\.netwrok: unknown dimension "netwrok"; accepted: ami,/);
});

test('a wrong value, a malformed AMI id and a proxy URL with a password are schema errors too', () => {
  const validate = validator();
  const cases: [string, string, string][] = [
    ['vary: { network: [hots] }', '/vary/network/0', 'enum'],
    ['amis: { al2023-ecs: ami-XYZ }', '/amis/al2023-ecs', 'pattern'],
    ['proxyUrl: http://user:secret@proxy:3128', '/proxyUrl', 'pattern'],
  ];
  for (const [text, instancePath, keyword] of cases) {
    expect(validate(parse(text)), text).toBe(false);
    expect(validate.errors, text).toContainEqual(expect.objectContaining({ instancePath, keyword }));
  }
});
