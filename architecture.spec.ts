/**
 * The repository's shape, checked: parts of the code that import each other in a ring cannot be read, tested
 * or replaced one at a time. Relative imports are read from the source text (import, export … from, and
 * dynamic import()), type-only ones included: a type shared in a ring couples its parts just as much.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';

const ROOT = dirname(fileURLToPath(import.meta.url));
const SKIPPED_DIRS = new Set(['node_modules', '.git', 'test-results', 'playwright-report', 'dist']);

/** Every .ts file under `dir`, as a path relative to the repository root. */
function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = dir ? `${dir}/${entry.name}` : entry.name;
    if (entry.isDirectory()) return SKIPPED_DIRS.has(entry.name) || entry.name.startsWith('.') ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^;]*?\sfrom\s+'(\.[^']+)'|import\(\s*'(\.[^']+)'\s*\)/g;

/** file → the repository files it imports by a relative path. */
export function importGraph(files: readonly string[] = sourceFiles('')): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const text = readFileSync(join(ROOT, file), 'utf8');
    const targets = [...text.matchAll(IMPORT)].map((match) =>
      relative(ROOT, resolve(ROOT, dirname(file), match[1] ?? match[2] ?? '')),
    );
    graph.set(file, targets);
  }
  return graph;
}

export interface PartEdge {
  from: string;
  to: string;
  /** One import that makes the edge, to show where to cut it. */
  example: string;
}

/** The edges between parts (`partOf` → undefined: the file is not in any part under check). */
export function partEdges(graph: Map<string, string[]>, partOf: (file: string) => string | undefined): PartEdge[] {
  const edges = new Map<string, PartEdge>();
  for (const [file, targets] of graph) {
    const from = partOf(file);
    if (from === undefined) continue;
    for (const target of targets) {
      const to = partOf(target);
      if (to === undefined || to === from || edges.has(`${from}→${to}`)) continue;
      edges.set(`${from}→${to}`, { from, to, example: `${file} → ${target}` });
    }
  }
  return [...edges.values()];
}

/** Each ring of parts (a strongly connected set of two or more), with the edges inside it. */
export function cycles(edges: readonly PartEdge[]): PartEdge[][] {
  const next = new Map<string, string[]>();
  for (const edge of edges) next.set(edge.from, [...(next.get(edge.from) ?? []), edge.to]);
  const reaches = (from: string, to: string): boolean => {
    const seen = new Set<string>();
    const stack = [from];
    while (stack.length > 0) {
      const part = stack.pop() as string;
      for (const neighbour of next.get(part) ?? []) {
        if (neighbour === to) return true;
        if (!seen.has(neighbour)) {
          seen.add(neighbour);
          stack.push(neighbour);
        }
      }
    }
    return false;
  };
  const rings: PartEdge[][] = [];
  const placed = new Set<string>();
  for (const part of next.keys()) {
    if (placed.has(part) || !reaches(part, part)) continue;
    const members = new Set([
      part,
      ...[...next.keys()].filter((other) => reaches(part, other) && reaches(other, part)),
    ]);
    for (const member of members) placed.add(member);
    rings.push(edges.filter((edge) => members.has(edge.from) && members.has(edge.to)));
  }
  return rings;
}

const describeRings = (rings: PartEdge[][]) =>
  rings.map((ring) => ring.map((edge) => `${edge.from} → ${edge.to} (${edge.example})`));

/** lab's parts: its root files (lab-state.ts, lab-lifecycle.ts …), control-plane, data-plane, images. */
export function labPartOf(file: string): string | undefined {
  if (!file.startsWith('lab/')) return undefined;
  const rest = file.slice('lab/'.length);
  return rest.includes('/') ? rest.slice(0, rest.indexOf('/')) : 'root';
}

test('the cycle finder finds a ring and its edges, and nothing in a chain', () => {
  const edge = (from: string, to: string) => ({ from, to, example: `${from}.ts → ${to}.ts` });
  expect(cycles([edge('a', 'b'), edge('b', 'c')])).toEqual([]);
  expect(cycles([edge('a', 'b'), edge('b', 'c'), edge('c', 'a'), edge('c', 'd')])).toEqual([
    [edge('a', 'b'), edge('b', 'c'), edge('c', 'a')],
  ]);
  const graph = new Map([
    ['lab/lab-state.ts', ['lab/control-plane/identities.ts']],
    ['lab/control-plane/moto-process.ts', ['lab/lab-state.ts']],
  ]);
  expect(describeRings(cycles(partEdges(graph, labPartOf)))).toHaveLength(1);
});

test("no import cycle between lab's parts (root files, control-plane, data-plane, images)", () => {
  // Specs are leaves (nothing imports one): a root spec using lab/testing is no edge of the root.
  const files = sourceFiles('lab').filter((file) => !file.endsWith('.spec.ts'));
  const rings = cycles(partEdges(importGraph(files), labPartOf));
  expect(describeRings(rings)).toEqual([]);
});

/** Top-level folders (core, infra, reports, run, suites, cli, bench); root files are the entry points. */
export function topLevelPartOf(file: string): string | undefined {
  return file.includes('/') ? file.slice(0, file.indexOf('/')) : undefined;
}

test('no import cycle between top-level folders', () => {
  const rings = cycles(partEdges(importGraph(), topLevelPartOf));
  expect(describeRings(rings)).toEqual([]);
});

test('core imports nothing outside core (the pure model: matrix, rules, classifier, plan, results schema)', () => {
  const graph = importGraph(sourceFiles('core'));
  const outside = [...graph].flatMap(([file, targets]) =>
    targets.filter((target) => !target.startsWith('core/')).map((target) => `${file} → ${target}`),
  );
  expect(outside).toEqual([]);
});
