import type { ReportData } from '../report-data.ts';
import { wireCopyButtons } from './copy-buttons.ts';
import { localizeTimes } from './local-time.ts';
import { renderControls } from './render-controls.ts';
import { renderDetail } from './render-detail.ts';
import { renderInfraCells } from './render-infra.ts';
import { renderMatrix } from './render-matrix.ts';
import type { ReportView } from './report-view.ts';
import { formatViewState, parseViewState, type ViewState } from './view-state.ts';

/** Entry point: reads the view from the URL hash, renders, and keeps the hash in step with the view. */
export function startReport(data: ReportData): void {
  const names = data.dimensions.filter((dimension) => dimension.varies).map((dimension) => dimension.name);
  const defaultVerdicts = foldedVerdicts(data);
  const view: ReportView = {
    data,
    state: parseViewState(window.location.hash, names, data.pivot, defaultVerdicts),
    expandedSlots: new Set(),
    openGroups: new Set(),
    setState(next: ViewState) {
      view.state = next;
      const hash = formatViewState(next, data.pivot, defaultVerdicts);
      window.history.replaceState(null, '', hash || `${window.location.pathname}${window.location.search}`);
      renderReport(view);
    },
  };
  window.addEventListener('hashchange', () => {
    view.state = parseViewState(window.location.hash, names, data.pivot, defaultVerdicts);
    renderReport(view);
  });
  const dialog = document.getElementById('detail') as HTMLDialogElement;
  dialog.addEventListener('close', () => {
    if (view.state.cell) view.setState({ ...view.state, cell: '' });
  });
  wireCopyButtons();
  localizeTimes(document);
  renderReport(view);
}

/**
 * The verdicts the matrix shows at first: with any cell not as expected, only those (a full matrix of cards
 * as expected pushed everything below it several screens down); else all. "Show every cell" shows the rest.
 */
export function foldedVerdicts(data: ReportData): string[] {
  if (data.cells.every((cell) => cell.v === 'pass')) return [];
  return data.verdicts.map((verdict) => verdict.name).filter((name) => name !== 'pass');
}

/** Re-renders every dynamic part, keeping keyboard focus on the control that had it. */
export function renderReport(view: ReportView): void {
  const focused = document.activeElement?.getAttribute('data-key') ?? null;
  (document.getElementById('controls') as HTMLElement).replaceWith(renderControls(view));
  (document.getElementById('matrix') as HTMLElement).replaceWith(renderMatrix(view));
  (document.getElementById('infra-cells') as HTMLElement).replaceWith(renderInfraCells(view));
  const dialog = document.getElementById('detail') as HTMLDialogElement;
  if (view.state.cell) {
    const cell = view.data.cells.find((candidate) => candidate.id === view.state.cell);
    dialog.replaceChildren(renderDetail(view, cell));
    if (!dialog.open) dialog.showModal();
  } else if (dialog.open) {
    dialog.close();
  }
  if (focused) {
    const target = Array.from(document.querySelectorAll('[data-key]')).find(
      (element) => element.getAttribute('data-key') === focused,
    );
    if (target instanceof HTMLElement) target.focus();
  }
}
