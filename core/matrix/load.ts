import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { BadInputError, type InputProblem } from '../errors.ts';
import { DIMENSION_NAMES } from './dimensions.ts';
import { type MatrixFile, matrixFileSchema, TOP_LEVEL_FIELDS } from './matrix-file.ts';

export const DEFAULT_MATRIX_PATH = fileURLToPath(new URL('../../fixtures/matrices/default.yaml', import.meta.url));

/** Reads and validates a matrix file (YAML or JSON: JSON is YAML). Throws BadInputError listing every problem. */
export async function loadMatrixFile(file: string = DEFAULT_MATRIX_PATH): Promise<MatrixFile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : String(error);
    throw new BadInputError([{ file, path: '', message: `cannot read the matrix file: ${reason}` }]);
  }
  return parseMatrixText(text, file);
}

export function parseMatrixText(text: string, file: string): MatrixFile {
  const document = parseDocument(text);
  if (document.errors.length > 0) {
    throw new BadInputError(
      document.errors.map((error) => ({
        file,
        path: error.linePos ? `line ${error.linePos[0].line}, column ${error.linePos[0].col}` : '',
        message: `syntax error: ${error.message.split('\n')[0]}`,
      })),
    );
  }
  const raw: unknown = document.toJS();
  if (raw === null || raw === undefined || (typeof raw === 'object' && Object.keys(raw).length === 0)) {
    throw new BadInputError([
      {
        file,
        path: '',
        message: 'the matrix is empty; expected a mapping with baseline, vary, cross or cells',
      },
    ]);
  }
  const parsed = matrixFileSchema.safeParse(raw);
  if (!parsed.success) throw new BadInputError(parsed.error.issues.flatMap((issue) => toProblems(issue, file)));
  return parsed.data;
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
  return `unknown dimension "${key}"; accepted: ${DIMENSION_NAMES.join(', ')}`;
}

/** `['cells', 3, 'network']` → `cells[3].network`. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((text, part) => {
    if (typeof part === 'number') return `${text}[${part}]`;
    return text ? `${text}.${String(part)}` : String(part);
  }, '');
}
