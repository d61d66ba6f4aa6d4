import { diagnose } from '../../core/diagnoses/diagnose.ts';
import { overrideName } from '../../core/diagnoses/override-diagnosis.ts';
import { DIMENSION_NAMES } from '../../core/matrix/dimensions.ts';
import type { CellResult, RunResults } from '../../core/results/results-schema.ts';
import { isOverride } from '../../core/rules/expect.ts';
import { truncateLog } from '../html/truncate-log.ts';
import { escapeXml as x } from './xml-escape.ts';

/**
 * junit.xml: one testcase per cell (classname groups by AMI and network mode), properties for every
 * dimension and both outcomes, <failure> on a deviation, <error> on an infrastructure error (CI tools
 * show "broken" apart from "failed"), the task log as system-out. Run-level failures form their own suite.
 */
export function renderJunit(results: RunResults): string {
  const { run, cells } = results;
  const failures = cells.filter((cell) => cell.verdict === 'fail').length;
  const errors = cells.filter((cell) => cell.verdict === 'infra').length;
  const seconds = (ms: number) => (ms / 1000).toFixed(3);
  const total = cells.reduce((sum, cell) => sum + cell.durationMs, 0);
  const runProperties = [
    ['runId', run.runId],
    ['backend', run.backend],
    ['region', run.region],
    ['matrix', run.matrixName],
    ['commit', run.commit],
    ['toolVersion', run.toolVersion],
    ...Object.entries(run.amis).flatMap(([profile, ami]) => [
      [`ami.${profile}.imageId`, ami.imageId],
      [`ami.${profile}.agentVersion`, ami.agentVersion],
    ]),
  ] as [string, string | undefined][];
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="ecs-taskrole-conformance" tests="${cells.length}" failures="${failures}" errors="${errors}" time="${seconds(run.durationMs ?? total)}">`,
    `  <testsuite name="${x(`${run.matrixName} (${run.backend}, ${run.region})`)}" tests="${cells.length}" failures="${failures}" errors="${errors}" skipped="0" timestamp="${x(run.startedAt)}" time="${seconds(total)}">`,
    properties('    ', runProperties),
    ...cells.map(testcase),
    '  </testsuite>',
  ];
  const runErrors = results.errors ?? [];
  if (runErrors.length > 0) {
    lines.push(
      `  <testsuite name="run" tests="${runErrors.length}" failures="0" errors="${runErrors.length}" skipped="0" time="0">`,
    );
    for (const error of runErrors) {
      lines.push(
        `    <testcase name="${x(error.where)}" classname="ecs-taskrole.run" time="0">`,
        `      <error message="${x(firstLine(error.message))}" type="INFRA_ERROR">${x(error.message)}</error>`,
        '    </testcase>',
      );
    }
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>', '');
  return lines.join('\n');
}

function testcase(cell: CellResult): string {
  const { expected, actual } = cell;
  const props: [string, string | undefined][] = [
    ...DIMENSION_NAMES.map((name): [string, string] => [`dimension.${name}`, cell.dimensions[name]]),
    ['expected.outcome', expected.outcome],
    ['expected.rule', expected.rule],
    ['actual.outcome', actual.outcome],
    ['verdict', cell.verdict],
    ['callerArn', actual.evidence.callerArn],
    ['instanceGroup', cell.details.instanceGroup],
  ];
  const out = [
    `    <testcase name="${x(cell.id)}" classname="${x(`ecs-taskrole.${cell.dimensions.ami}.${cell.dimensions.network}`)}" time="${(cell.durationMs / 1000).toFixed(3)}">`,
    properties('      ', props),
  ];
  if (cell.verdict !== 'pass') {
    const diagnosis = diagnose(cell);
    const body = [
      `decided by: ${actual.evidence.decidedBy}`,
      `rule ${expected.rule}: ${expected.statement}`,
      `source: ${expected.source}`,
      ...diagnosis.items.map((item) => `diagnosis: ${item.problem} Fix: ${item.fix}`),
    ].join('\n');
    const tag = cell.verdict === 'fail' ? 'failure' : 'error';
    const by = isOverride(expected) ? ` by ${overrideName(cell)}` : '';
    const message =
      cell.verdict === 'fail'
        ? `expected ${expected.outcome}${by}, got ${actual.outcome}: ${firstLine(actual.evidence.decidedBy)}`
        : `${actual.outcome} (no verdict): ${firstLine(actual.evidence.decidedBy)}`;
    out.push(`      <${tag} message="${x(message)}" type="${actual.outcome}">${x(body)}</${tag}>`);
  }
  const { log } = truncateLog(cell.details.log);
  if (log.length > 0) out.push(`      <system-out>${x(log.join('\n'))}</system-out>`);
  out.push('    </testcase>');
  return out.join('\n');
}

function properties(indent: string, pairs: [string, string | undefined][]): string {
  const lines = pairs
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => `${indent}  <property name="${x(name)}" value="${x(value as string)}"/>`);
  return [`${indent}<properties>`, ...lines, `${indent}</properties>`].join('\n');
}

function firstLine(text: string): string {
  const line = text.split('\n')[0] ?? '';
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}
