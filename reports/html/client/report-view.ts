import type { ReportData } from '../report-data.ts';
import type { ViewState } from './view-state.ts';

/** Everything a render function needs: the data, the current view, and the way to change it. */
export interface ReportView {
  data: ReportData;
  state: ViewState;
  /** Client-only UI state that does not belong in a shared link. */
  expandedSlots: Set<string>;
  openGroups: Set<string>;
  setState(next: ViewState): void;
}
