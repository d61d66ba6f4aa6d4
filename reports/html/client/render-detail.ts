import type { ReportCell, ReportData } from '../report-data.ts';
import { renderCommandBlock } from './copy-buttons.ts';
import { definitionList, docLink, h } from './dom.ts';
import { formatLocalTime } from './local-time.ts';
import type { ReportView } from './report-view.ts';

/** The drill-down of one cell: verdict, diagnosis with commands, evidence, expectation, task, log, console. */
export function renderDetail(view: ReportView, cell: ReportCell | undefined): HTMLElement {
  const { data, state } = view;
  const close = h(
    'button',
    { type: 'button', class: 'close', 'data-key': 'close', onclick: () => view.setState({ ...state, cell: '' }) },
    '✕ Close',
  );
  if (!cell) {
    return h(
      'div',
      { class: 'detail' },
      close,
      h('h2', { id: 'detail-title' }, 'Cell not found'),
      h('p', null, `This run has no cell "${state.cell}".`),
    );
  }
  const actual = data.outcomes[cell.a];
  const verdict = data.verdicts.find((candidate) => candidate.name === cell.v);
  const diagnosis = data.diagnoses[cell.g];
  const x = cell.x;
  return h(
    'div',
    { class: `detail v-${cell.v}` },
    close,
    h(
      'h2',
      { id: 'detail-title' },
      h('span', { class: 'glyph', 'aria-hidden': 'true' }, actual?.glyph ?? '?'),
      ` ${actual?.name} — ${cell.id}`,
    ),
    h('p', { class: `verdict v-${cell.v}` }, `${verdict?.glyph ?? ''} `, diagnosis?.verdictNote ?? ''),
    renderDiagnosis(diagnosis),
    renderExpectation(data, cell),
    renderHistory(data, cell),
    renderConfiguration(data, cell),
    renderTask(cell),
    renderTaskLog(x),
    renderConsole(x.console === undefined ? undefined : data.consoles[x.console]),
    renderTaskDefinition(x),
  );
}

type CellEvidence = ReportCell['x'];

/** The cell's diagnosis: its first cause, then any other, each with its fix, commands and source. */
export function renderDiagnosis(diagnosis: ReportData['diagnoses'][number] | undefined): HTMLElement {
  const items = (diagnosis?.items ?? []).map((item, index) =>
    h(
      'div',
      { class: 'diagnosis-item' },
      h('h4', null, `${index === 0 ? 'Cause' : 'Also'}: ${item.checklist}`),
      definitionList([
        ['What is wrong', item.problem],
        ['Fix', item.fix],
      ]),
      item.commands.length > 0 ? renderCommandBlock(`Commands (${diagnosis?.os}):`, item.commands) : null,
      item.source ? h('p', { class: 'source' }, 'Documented in ', docLink(item.source.url, item.source.title)) : null,
    ),
  );
  return h('section', { class: 'diagnosis' }, h('h3', null, 'Diagnosis'), ...items);
}

/** One section of the drill-down: its heading, then its content. */
export function detailSection(title: string, ...content: Parameters<typeof h>[2][]): HTMLElement {
  return h('section', null, h('h3', null, title), ...content);
}

/** One row of a two-column list table: a row heading and its content. */
export function listRow(heading: string, ...content: Parameters<typeof h>[2][]): HTMLElement {
  return h('tr', null, h('th', { scope: 'row' }, heading), h('td', null, ...content));
}

/** Expected vs actual outcome, the evidence that decided it, and the rule with its sources and chain. */
export function renderExpectation(data: ReportData, cell: ReportCell): HTMLElement {
  const actual = data.outcomes[cell.a];
  const expected = data.outcomes[cell.e];
  const rule = data.rules[cell.r];
  return detailSection(
    'Expected vs actual',
    h(
      'table',
      { class: 'list' },
      listRow('Expected', `${expected?.glyph} ${expected?.name}`, ` — ${expected?.meaning ?? ''}`),
      listRow('Actual', `${actual?.glyph} ${actual?.name}`, ` — ${actual?.meaning ?? ''}`),
      listRow('Decided by', h('code', { class: 'evidence' }, cell.by)),
      cell.arn ? listRow('Caller ARN', h('code', null, cell.arn)) : null,
      listRow('Rule', rule?.rule ?? '', rule?.inferred ? ' (inferred: no source states it outright)' : ''),
      listRow('Statement', rule?.statement ?? ''),
      h(
        'tr',
        null,
        h('th', { scope: 'row' }, 'Source'),
        h(
          'td',
          { class: 'rule-source' },
          ...(rule?.links ?? []).flatMap((part, index) => [
            index > 0 ? '; ' : '',
            part.url ? docLink(part.url, part.text) : part.text,
          ]),
        ),
      ),
      (rule?.chain.length ?? 0) > 1 ? listRow('Rule chain', rule?.chain.join(' → ') ?? '') : null,
    ),
  );
}

/** The cell's outcome in each run of the history (oldest first) and whether it flipped; none without a history. */
export function renderHistory(data: ReportData, cell: ReportCell): HTMLElement | null {
  if (!cell.h) return null;
  return detailSection(
    'History (oldest first)',
    h(
      'ol',
      { class: 'history-list' },
      ...cell.h.map((index, run) => {
        const outcome = index < 0 ? undefined : data.outcomes[index];
        const verdict = data.verdicts[cell.hv?.[run] ?? -1];
        const when = data.runs[run];
        return h(
          'li',
          null,
          `${when ? formatLocalTime(when.startedAt) : ''} ${when?.runId ?? ''}: `,
          outcome ? `${verdict?.glyph ?? ''} ${verdict?.text ?? ''}: ${outcome.name}` : '· not in this run',
        );
      }),
    ),
    (cell.flips ?? 0) > 0
      ? h(
          'p',
          { class: 'flaky' },
          `≈ Flaky: the outcome changed ${cell.flips} times between runs with the same AMI image, agent version and backend.`,
        )
      : h('p', null, 'Not flaky: no outcome change between runs with the same configuration.'),
  );
}

/** The cell's value of every dimension, marking those that differ from the known-good baseline. */
export function renderConfiguration(data: ReportData, cell: ReportCell): HTMLElement {
  const rows = data.dimensions.map((dimension, index) => {
    const value = dimension.values[cell.d[index] as number] ?? '?';
    const differs = value !== dimension.baseline;
    return h(
      'tr',
      { class: differs ? 'differs' : undefined },
      h('th', { scope: 'row', title: dimension.describe }, dimension.name),
      h('td', null, value, differs ? ` (known good: ${dimension.baseline})` : ''),
    );
  });
  return detailSection('Configuration', h('table', { class: 'list dimensions' }, h('tbody', null, ...rows)));
}

/**
 * Where the task ran and how it ended: instance, AMI, task ARN, exit code, RunTask failures, duration, and
 * the task's own checks (its IMDS metadata read, the seed's install), one line each.
 */
export function renderTask(cell: ReportCell): HTMLElement {
  const x = cell.x;
  const failures = (x.failures ?? []).map(
    (failure) =>
      `${failure.reason}${failure.detail ? ` (${failure.detail})` : ''}${failure.arn ? ` — ${failure.arn}` : ''}`,
  );
  return detailSection(
    'Task',
    definitionList([
      ['Instance group', x.instanceGroup],
      ['Instance', x.instanceId],
      ['AMI', x.amiId],
      ['Task ARN', x.taskArn],
      ['Exit code', x.exitCode === undefined ? undefined : String(x.exitCode)],
      ['Stopped reason', x.stoppedReason],
      ['RunTask failures', failures.length > 0 ? failures.join('; ') : undefined],
      ['Duration', `${(cell.ms / 1000).toFixed(1)} s`],
      ...(cell.checks ?? []).map((check): [string, string] => [check.name, check.text]),
    ]),
  );
}

/** What the task's container wrote, with the note on how it was read. */
export function renderTaskLog(x: CellEvidence): HTMLElement {
  return detailSection(
    'Task log',
    x.logNote ? h('p', { class: 'note' }, x.logNote) : null,
    x.log.length > 0 ? h('pre', { class: 'log' }, x.log.join('\n')) : h('p', null, '(the task wrote no log)'),
  );
}

/** The task definition the cell registered, as JSON; none when the cell never registered one. */
export function renderTaskDefinition(x: CellEvidence): HTMLElement | null {
  if (x.taskDefinition === undefined) return null;
  return detailSection('Task definition', h('pre', { class: 'taskdef' }, JSON.stringify(x.taskDefinition, null, 2)));
}

/**
 * The instance's console tail, collapsed: the same for every cell of the instance, and what to read when
 * the instance never took a task (user data or service errors). EC2 may not have it yet shortly after boot.
 */
export function renderConsole(text: string | undefined): HTMLElement | null {
  if (text === undefined) return null;
  return h(
    'section',
    null,
    h(
      'details',
      { class: 'console' },
      h('summary', null, h('h3', null, 'Instance console (tail)')),
      text === ''
        ? h('p', null, '(the console was empty when read: EC2 may show it only minutes after boot)')
        : h('pre', { class: 'console' }, text),
    ),
  );
}
