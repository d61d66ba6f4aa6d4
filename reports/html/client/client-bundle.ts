import { foldedVerdicts, renderReport, startReport } from './app.ts';
import { copyText, renderCommandBlock, wireCopyButtons } from './copy-buttons.ts';
import { definitionList, docLink, h } from './dom.ts';
import { formatLocalTime, localizeTimes, zoneOf } from './local-time.ts';
import {
  checkbox,
  countCells,
  renderControls,
  renderDimensionFilter,
  renderDimensionFilters,
  renderLayout,
  renderOutcomeFilter,
  renderReset,
  renderSearch,
  renderShownStatus,
  renderVerdictFilter,
  toggleList,
  varyingDimensions,
} from './render-controls.ts';
import {
  detailSection,
  listRow,
  renderConfiguration,
  renderConsole,
  renderDetail,
  renderDiagnosis,
  renderExpectation,
  renderHistory,
  renderTask,
  renderTaskDefinition,
  renderTaskLog,
} from './render-detail.ts';
import { renderHistoryStrip } from './render-history.ts';
import { renderInfraCells } from './render-infra.ts';
import { renderCellButton, renderMatrix, renderSlot } from './render-matrix.ts';
import { cellVisible, pivotCells } from './select-cells.ts';
import { formatViewState, parseViewState } from './view-state.ts';

/** Every function the page's script needs (see README.md for the rules they follow). */
const CLIENT_FUNCTIONS = [
  startReport,
  foldedVerdicts,
  renderReport,
  h,
  definitionList,
  docLink,
  copyText,
  wireCopyButtons,
  renderCommandBlock,
  renderControls,
  varyingDimensions,
  countCells,
  toggleList,
  checkbox,
  renderLayout,
  renderVerdictFilter,
  renderOutcomeFilter,
  renderDimensionFilters,
  renderDimensionFilter,
  renderSearch,
  renderReset,
  renderShownStatus,
  renderDetail,
  renderDiagnosis,
  detailSection,
  listRow,
  renderExpectation,
  renderHistory,
  renderConfiguration,
  renderTask,
  renderTaskLog,
  renderTaskDefinition,
  renderConsole,
  renderHistoryStrip,
  renderInfraCells,
  renderMatrix,
  renderSlot,
  renderCellButton,
  cellVisible,
  pivotCells,
  formatViewState,
  parseViewState,
  formatLocalTime,
  zoneOf,
  localizeTimes,
];

/** The page script: the functions' source, then the call that starts the report from the embedded data. */
export function clientScript(dataElementId: string): string {
  const functions = CLIENT_FUNCTIONS.map((fn) => fn.toString()).join('\n');
  // Inlined in <script>: these sequences would end or confuse the element.
  if (/<\/script|<!--/i.test(functions)) throw new Error('a client function contains </script or <!--');
  return `"use strict";\n${functions}\nstartReport(JSON.parse(document.getElementById(${JSON.stringify(dataElementId)}).textContent));\n`;
}
