import type { ReportCell } from '../report-data.ts';
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
  const expected = data.outcomes[cell.e];
  const verdict = data.verdicts.find((candidate) => candidate.name === cell.v);
  const rule = data.rules[cell.r];
  const diagnosis = data.diagnoses[cell.g];
  const x = cell.x;

  const diagnosisItems = (diagnosis?.items ?? []).map((item, index) =>
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

  const dimensionRows = data.dimensions.map((dimension, index) => {
    const value = dimension.values[cell.d[index] as number] ?? '?';
    const differs = value !== dimension.baseline;
    return h(
      'tr',
      { class: differs ? 'differs' : undefined },
      h('th', { scope: 'row', title: dimension.describe }, dimension.name),
      h('td', null, value, differs ? ` (known good: ${dimension.baseline})` : ''),
    );
  });

  const historyList = cell.h
    ? h(
        'section',
        null,
        h('h3', null, 'History (oldest first)'),
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
      )
    : null;

  const failures = (x.failures ?? []).map(
    (failure) =>
      `${failure.reason}${failure.detail ? ` (${failure.detail})` : ''}${failure.arn ? ` — ${failure.arn}` : ''}`,
  );

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
    h('section', { class: 'diagnosis' }, h('h3', null, 'Diagnosis'), ...diagnosisItems),
    h(
      'section',
      null,
      h('h3', null, 'Expected vs actual'),
      h(
        'table',
        { class: 'list' },
        h(
          'tr',
          null,
          h('th', { scope: 'row' }, 'Expected'),
          h('td', null, `${expected?.glyph} ${expected?.name}`, ` — ${expected?.meaning ?? ''}`),
        ),
        h(
          'tr',
          null,
          h('th', { scope: 'row' }, 'Actual'),
          h('td', null, `${actual?.glyph} ${actual?.name}`, ` — ${actual?.meaning ?? ''}`),
        ),
        h(
          'tr',
          null,
          h('th', { scope: 'row' }, 'Decided by'),
          h('td', null, h('code', { class: 'evidence' }, cell.by)),
        ),
        cell.arn
          ? h('tr', null, h('th', { scope: 'row' }, 'Caller ARN'), h('td', null, h('code', null, cell.arn)))
          : null,
        h(
          'tr',
          null,
          h('th', { scope: 'row' }, 'Rule'),
          h('td', null, rule?.rule ?? '', rule?.inferred ? ' (inferred: no source states it outright)' : ''),
        ),
        h('tr', null, h('th', { scope: 'row' }, 'Statement'), h('td', null, rule?.statement ?? '')),
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
        (rule?.chain.length ?? 0) > 1
          ? h('tr', null, h('th', { scope: 'row' }, 'Rule chain'), h('td', null, rule?.chain.join(' → ') ?? ''))
          : null,
      ),
    ),
    historyList,
    h(
      'section',
      null,
      h('h3', null, 'Configuration'),
      h('table', { class: 'list dimensions' }, h('tbody', null, ...dimensionRows)),
    ),
    h(
      'section',
      null,
      h('h3', null, 'Task'),
      definitionList([
        ['Instance group', x.instanceGroup],
        ['Instance', x.instanceId],
        ['AMI', x.amiId],
        ['Task ARN', x.taskArn],
        ['Exit code', x.exitCode === undefined ? undefined : String(x.exitCode)],
        ['Stopped reason', x.stoppedReason],
        ['RunTask failures', failures.length > 0 ? failures.join('; ') : undefined],
        ['Duration', `${(cell.ms / 1000).toFixed(1)} s`],
      ]),
    ),
    h(
      'section',
      null,
      h('h3', null, 'Task log'),
      x.logNote ? h('p', { class: 'note' }, x.logNote) : null,
      x.log.length > 0 ? h('pre', { class: 'log' }, x.log.join('\n')) : h('p', null, '(the task wrote no log)'),
    ),
    renderConsole(x.console === undefined ? undefined : data.consoles[x.console]),
    x.taskDefinition === undefined
      ? null
      : h(
          'section',
          null,
          h('h3', null, 'Task definition'),
          h('pre', { class: 'taskdef' }, JSON.stringify(x.taskDefinition, null, 2)),
        ),
  );
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
