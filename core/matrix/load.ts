import { fileURLToPath } from 'node:url';
import { type Document, Lexer, parseDocument, visit } from 'yaml';
import type { z } from 'zod';
import { BadInputError, type InputProblem } from '../errors.ts';
import { readInputFile } from '../input/read-input-file.ts';
import { MATRIX_STRUCTURE_LIMITS as LIMITS } from '../limits.ts';
import { quoteForMessage } from '../text/safe-text.ts';
import { checkStructure } from './check-structure.ts';
import { DIMENSION_NAMES, DIMENSIONS } from './dimensions.ts';
import { formatPath } from './format-path.ts';
import { type MatrixFile, matrixFileSchema, TOP_LEVEL_FIELDS } from './matrix-file.ts';

export { formatPath } from './format-path.ts';

export const DEFAULT_MATRIX_PATH = fileURLToPath(new URL('../../fixtures/matrices/default.yaml', import.meta.url));

/** Reads and validates a matrix file (YAML or JSON: JSON is YAML). Throws BadInputError listing every problem. */
export async function loadMatrixFile(file: string = DEFAULT_MATRIX_PATH): Promise<MatrixFile> {
  const text = await readInputFile(file, { kind: 'matrix file', maxBytes: LIMITS.maxBytes });
  return parseMatrixText(text, file);
}

/**
 * Parses matrix text in bounded steps: syntax, then the alias count (before anything is expanded), then
 * the shape of the plain data (types, depth, string lengths), then the schema.
 */
export function parseMatrixText(text: string, file: string): MatrixFile {
  if (text.length > LIMITS.maxBytes) {
    fail([{ file, path: '', message: `larger than the limit of ${LIMITS.maxBytes} bytes` }]);
  }
  checkTokenCount(text, file);
  const document = parseYamlSyntax(text, file);
  checkAliasCount(document, file);
  const raw = toPlainData(document, file);
  if (raw === null || raw === undefined || (isMapping(raw) && Object.keys(raw).length === 0)) {
    fail([{ file, path: '', message: 'the matrix is empty; expected a mapping with baseline, vary, cross or cells' }]);
  }
  const shape = checkStructure(raw, file);
  if (shape.length > 0) fail(shape);
  const parsed = matrixFileSchema.safeParse(raw);
  if (!parsed.success) fail(parsed.error.issues.flatMap((issue) => toProblems(issue, file)));
  return (parsed as { data: MatrixFile }).data;
}

function fail(problems: InputProblem[]): never {
  throw new BadInputError(problems);
}

/** Composing a document costs about 250 bytes of heap per token; lexing costs next to nothing. Count first. */
function checkTokenCount(text: string, file: string): void {
  let tokens = 0;
  for (const _token of new Lexer().lex(text)) {
    tokens += 1;
    if (tokens > LIMITS.maxTokens) {
      fail([
        {
          file,
          path: '',
          message: `more than ${LIMITS.maxTokens} YAML tokens (keys, values, punctuation); a matrix needs far fewer (the default one has about 1,000)`,
        },
      ]);
    }
  }
}

function parseYamlSyntax(text: string, file: string): Document {
  const document = parseDocument(text, { uniqueKeys: true });
  const syntax = [...document.errors, ...document.warnings];
  if (syntax.length > 0) {
    fail(
      syntax.map((error) => ({
        file,
        path: error.linePos ? `line ${error.linePos[0].line}, column ${error.linePos[0].col}` : '',
        message: `syntax error: ${error.message.split('\n')[0]}`,
      })),
    );
  }
  return document;
}

function checkAliasCount(document: Document, file: string): void {
  let aliases = 0;
  visit(document, {
    Alias: () => {
      aliases += 1;
      return aliases > LIMITS.maxAliases ? visit.BREAK : undefined;
    },
  });
  if (aliases > LIMITS.maxAliases) {
    fail([{ file, path: '', message: `more than ${LIMITS.maxAliases} YAML aliases (*name); write the values out` }]);
  }
}

function toPlainData(document: Document, file: string): unknown {
  try {
    // maxAliasCount also bounds what the aliases expand to (nested aliases: "billion laughs").
    return document.toJS({ maxAliasCount: LIMITS.maxAliasExpansion });
  } catch (error) {
    // yaml's own check: nested aliases ("billion laughs") would expand to more than maxAliasExpansion nodes.
    const expanded = error instanceof ReferenceError && /alias/i.test(error.message);
    const message = expanded
      ? `the YAML aliases (*name) expand to more than ${LIMITS.maxAliasExpansion} values (nested aliases); write the values out`
      : `the YAML document cannot be read: ${(error as Error).message}`;
    return fail([{ file, path: '', message }]);
  }
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function toProblems(issue: z.core.$ZodIssue, file: string): InputProblem[] {
  const path = formatPath(issue.path);
  if (issue.code !== 'unrecognized_keys') return [{ file, path, message: issue.message }];
  return issue.keys.map((key) => ({
    file,
    path: formatPath([...issue.path, key]),
    message: unknownKeyMessage(issue.path, key),
  }));
}

function unknownKeyMessage(parentPath: readonly PropertyKey[], key: string): string {
  if (parentPath.length === 0) return `unknown field; accepted: ${TOP_LEVEL_FIELDS.join(', ')}`;
  if (parentPath.length === 2 && parentPath[0] === 'expect') return 'unknown field; accepted: when, outcome, because';
  if (parentPath.length === 1 && parentPath[0] === 'amis') {
    return `unknown AMI profile "${quoteForMessage(key)}"; accepted: ${DIMENSIONS.ami.values.join(', ')}`;
  }
  return `unknown dimension "${key}"; accepted: ${DIMENSION_NAMES.join(', ')}`;
}
