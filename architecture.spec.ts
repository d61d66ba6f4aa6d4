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
/** Only the imports that load their module with the importer's (no dynamic import()). */
const STATIC_IMPORT = /(?:^|\n)\s*(?:import|export)\s[^;]*?\sfrom\s+'(\.[^']+)'/g;

/** file → the repository files it imports by a relative path. */
export function importGraph(files: readonly string[] = sourceFiles(''), imports = IMPORT): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const text = readFileSync(join(ROOT, file), 'utf8');
    const targets = [...text.matchAll(imports)].map((match) =>
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

/**
 * The parts of one folder: each of its own files, and each subfolder as a whole. Undefined for a file
 * outside the folder. Checked for every folder, this finds every ring: two files, a file and a subfolder,
 * two subfolders.
 */
export function partsOf(folder: string): (file: string) => string | undefined {
  const prefix = folder === '' ? '' : `${folder}/`;
  return (file) => {
    if (!file.startsWith(prefix)) return undefined;
    const rest = file.slice(prefix.length);
    return rest.includes('/') ? `${prefix}${rest.slice(0, rest.indexOf('/'))}/` : file;
  };
}

/** Every folder that holds a .ts file somewhere below it, the repository root included (''). */
function folders(files: readonly string[]): string[] {
  const all = new Set(['']);
  for (const file of files) {
    const steps = file.split('/').slice(0, -1);
    for (let depth = 1; depth <= steps.length; depth += 1) all.add(steps.slice(0, depth).join('/'));
  }
  return [...all].sort();
}

/**
 * Code that is not in the package (tsconfig.build.json leaves it out): specs, their helpers (the one
 * convention: `<folder>/testing/`), the benchmarks and the package's tools. Nothing in the product imports
 * it, so it closes no ring of the product's; what it may import is its own, looser allow-list (TEST_EXTRA).
 */
const isTestCode = (file: string) => file.endsWith('.spec.ts') || /(^|\/)(testing|bench|tools)\//.test(file);

const PRODUCT = sourceFiles('').filter((file) => !isTestCode(file));

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
  expect(describeRings(cycles(partEdges(graph, partsOf('lab'))))).toEqual([
    [
      'lab/lab-state.ts → lab/control-plane/ (lab/lab-state.ts → lab/control-plane/identities.ts)',
      'lab/control-plane/ → lab/lab-state.ts (lab/control-plane/moto-process.ts → lab/lab-state.ts)',
    ],
  ]);
});

test("no import cycle between any folder's parts, at every depth (its own files, its subfolders)", () => {
  const graph = importGraph(PRODUCT);
  const rings = folders(PRODUCT).flatMap((folder) => describeRings(cycles(partEdges(graph, partsOf(folder)))));
  expect(rings).toEqual([]);
});

/**
 * What each top-level folder's product code may import besides itself (docs/architecture.md): downwards
 * only. The harness (infra, reports, core) never imports the simulator (lab); the lab is one of the
 * backends run/ composes (run/backends.ts).
 */
export const ALLOWED_IMPORTS: Record<string, readonly string[]> = {
  core: [],
  infra: ['core'],
  reports: ['core', 'infra'],
  lab: ['core', 'infra'],
  run: ['core', 'infra', 'reports', 'lab'],
  suites: ['core', 'infra', 'reports', 'run'],
  cli: ['core', 'infra', 'reports', 'run', 'lab'],
  bench: ['core', 'infra', 'reports', 'run', 'lab'],
  testing: ['core', 'infra'],
  tools: ['core', 'infra', 'reports', 'run', 'lab', 'cli', 'testing'],
};

/** Specs and test helpers may also use the shared test helpers, the lab (to run against) and its helpers. */
const TEST_EXTRA = ['testing', 'lab', 'run', 'reports', 'infra', 'core'];

test('every top-level folder imports only what its allow-list names; the harness never imports the lab', () => {
  const graph = importGraph();
  const refused = [...graph].flatMap(([file, targets]) => {
    const from = topLevelPartOf(file);
    if (from === undefined) return [];
    const allowed = new Set([from, ...(ALLOWED_IMPORTS[from] ?? []), ...(isTestCode(file) ? TEST_EXTRA : [])]);
    return targets
      .filter((target) => !allowed.has(topLevelPartOf(target) ?? ''))
      .map((target) => `${file} → ${target}`);
  });
  expect(refused).toEqual([]);
  expect(Object.keys(ALLOWED_IMPORTS).sort()).toEqual(
    [...new Set(sourceFiles('').flatMap((file) => topLevelPartOf(file) ?? []))].sort(),
  );
});

test('code outside lab/ enters it only through its door, lab/index.ts (specs: also lab/testing/)', () => {
  const graph = importGraph();
  const through = [...graph].flatMap(([file, targets]) =>
    file.startsWith('lab/')
      ? []
      : targets
          .filter((target) => target.startsWith('lab/') && target !== 'lab/index.ts')
          .filter((target) => !(isTestCode(file) && target.startsWith('lab/testing/')))
          .map((target) => `${file} → ${target}`),
  );
  expect(through).toEqual([]);
});

/**
 * The harness's path, what a run on AWS loads: core, infra, reports, run, the conformance suites, the
 * Playwright config and the `run` command. The chooser (run/backends.ts) is on it too: it reaches the lab by
 * import() only.
 */
const onHarnessPath = (file: string) =>
  file === 'playwright.config.ts' ||
  file === 'cli/commands/run.ts' ||
  (/^(core|infra|reports|run|suites)\//.test(file) && (!isTestCode(file) || file.startsWith('suites/')));

/** The first chain of imports from `from` to a file `target` accepts, or undefined. */
function importChain(
  graph: Map<string, string[]>,
  from: string,
  target: (file: string) => boolean,
): string[] | undefined {
  const seen = new Set([from]);
  const queue: string[][] = [[from]];
  for (let chain = queue.shift(); chain; chain = queue.shift()) {
    for (const next of graph.get(chain.at(-1) ?? '') ?? []) {
      if (target(next)) return [...chain, next];
      if (!seen.has(next)) {
        seen.add(next);
        queue.push([...chain, next]);
      }
    }
  }
  return undefined;
}

test("the harness's path never loads the lab: no chain of static imports into lab/ (the chooser's is import())", () => {
  const inLab = (file: string) => file.startsWith('lab/');
  const harness = sourceFiles('').filter(onHarnessPath);
  const statically = importGraph(sourceFiles(''), STATIC_IMPORT);
  const chains = harness.flatMap((file) => importChain(statically, file, inLab)?.join(' → ') ?? []);
  expect(chains).toEqual([]);
  // Not by chance: the chooser does reach the lab, through its door, when a run asks for it.
  expect(importChain(importGraph(), 'run/backends.ts', inLab)).toEqual(['run/backends.ts', 'lab/index.ts']);
});

/** Top-level folders (core, infra, reports, run, suites, cli, bench); root files are the entry points. */
export function topLevelPartOf(file: string): string | undefined {
  return file.includes('/') ? file.slice(0, file.indexOf('/')) : undefined;
}

test('no import cycle between top-level folders', () => {
  const rings = cycles(partEdges(importGraph(PRODUCT), topLevelPartOf));
  expect(describeRings(rings)).toEqual([]);
});

test('core imports nothing outside core (the pure model: matrix, rules, classifier, plan, results schema)', () => {
  const graph = importGraph(sourceFiles('core'));
  const outside = [...graph].flatMap(([file, targets]) =>
    targets.filter((target) => !target.startsWith('core/')).map((target) => `${file} → ${target}`),
  );
  expect(outside).toEqual([]);
});

test('the cells file has no beforeAll/afterAll hook: Playwright would hand each worker a fixed chunk of cells', () => {
  // With such a hook, Playwright groups a parallel file's tests into one chunk per worker before the run
  // (runner/testGroups), so the planned run order no longer balances the workers (wall/floor 1.7 at 2 workers).
  const cells = readFileSync(join(ROOT, 'suites/cells.spec.ts'), 'utf8');
  expect(cells).not.toMatch(/\.(?:beforeAll|afterAll)\s*\(/);
});
