import { THEME_CSS } from './report-theme.ts';

/** Layout and colours of the page; colours are variables, which report-theme.ts swaps for dark mode and print. */
const BASE_CSS = `
:root { color-scheme: light; --fail: #b3261e; --fail-bg: #fdecea; --pass: #1e6b34; --pass-bg: #eef7ef;
  --infra: #5f5f5f; --infra-bg: #f1f1f1; --line: #c9c9c9; --bg: #fff; --fg: #1b1b1b; --muted: #444;
  --code-bg: #f6f6f6; --head-bg: #f3f3f3; --row-bg: #fafafa; --link: #1a56db; --surface: #fff;
  font-family: system-ui, sans-serif; }
body { margin: 0 1.5rem 1.5rem; line-height: 1.35; color: var(--fg); background: var(--bg); }
a, button.link { color: var(--link); }
h1 { font-size: 1.35rem; margin: .6rem 0 .15rem; }
h2 { font-size: 1.1rem; margin: .8rem 0 .3rem; border-bottom: 1px solid var(--line); }
h3 { font-size: 1rem; margin: .8rem 0 .3rem; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; margin: .5rem 0; }
dt { font-weight: 600; } dd { margin: 0; overflow-wrap: anywhere; }
code, pre { font-family: ui-monospace, monospace; font-size: .85rem; }
pre { background: var(--code-bg); color: var(--fg); border: 1px solid var(--line); padding: .6rem; overflow: auto; max-height: 28rem; white-space: pre-wrap; overflow-wrap: anywhere; }
.meta { display: flex; flex-wrap: wrap; gap: 1rem 3rem; align-items: flex-start; }
.meta dl { margin: 0; }
.meta table.amis { width: auto; }
.meta table.amis caption { text-align: left; font-weight: 600; }
.totals { display: flex; flex-wrap: wrap; gap: .3rem; list-style: none; padding: 0; margin: 0; align-items: center; }
.totals-label { font-weight: 600; }
.totals a { display: inline-block; border: 1px solid var(--line); border-radius: 4px; padding: 0 .4rem; color: inherit; text-decoration: none; }
.totals a:hover, .totals a:focus { text-decoration: underline; }
.glyph { display: inline-block; min-width: 1.1em; text-align: center; font-weight: 700; }
#controls { display: flex; flex-wrap: wrap; gap: .4rem .75rem; align-items: flex-start; margin: .4rem 0; font-size: .85rem; }
#controls select, #controls input, #controls button { font-size: .85rem; }
fieldset { border: 1px solid var(--line); border-radius: 4px; padding: .1rem .6rem .2rem; margin: 0; }
legend { padding: 0 .2rem; }
fieldset.dimensions { flex: 1 1 50rem; display: flex; flex-wrap: wrap; gap: .1rem 1rem; }
.check { display: inline-block; white-space: nowrap; margin-right: .5rem; }
/* Layout and verdict as wide as their content; the outcomes take the rest of the line, in two rows. */
#controls > fieldset:not(.dimensions) { flex: 0 1 auto; }
#controls > fieldset:nth-of-type(3) { flex: 1 1 30rem; }
details[data-key^="group:"] .check { display: block; }
details summary { cursor: pointer; }
details.console summary h3 { display: inline; }
#controls .row { display: flex; gap: 1rem; align-items: center; }
#shown { flex-basis: 100%; margin: 0; font-weight: 600; }
table.matrix { border-collapse: collapse; }
/* The caption repeats the corner cell and the status line: read out, not shown (one line less on screen). */
table.matrix caption { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
table.matrix th, table.matrix td { border: 1px solid var(--line); padding: .2rem; vertical-align: top; }
table.matrix thead th { background: var(--head-bg); position: sticky; top: 0; }
table.matrix tbody th { background: var(--row-bg); text-align: left; }
table.matrix { width: 100%; }
/* auto-fit: a slot's few cards share its width (short cards), a full slot lays them out side by side. */
ul.slot { list-style: none; margin: 0; padding: 0; display: grid; grid-template-columns: repeat(auto-fit, minmax(8.5rem, 1fr)); gap: .2rem; min-width: 8.5rem; }
/* A block, not a column: the history strip runs on after the comparison instead of taking its own line. */
button.cell { display: block; width: 100%; height: 100%; text-align: left; font: inherit;
  font-size: .78rem; line-height: 1.2; border: 1px solid var(--line); border-radius: 4px; padding: .15rem .3rem; cursor: pointer; background: var(--surface); color: var(--fg); }
button.cell:hover, button.cell:focus { outline: 2px solid var(--link); }
button.cell .cell-id { display: block; font-weight: 600; overflow-wrap: anywhere; }
button.cell .history { margin-left: .3em; }
button.cell .verdict-word { font-weight: 700; }
button.cell .verdict-word.v-fail { color: var(--fail); }
button.cell .verdict-word.v-pass { color: var(--pass); }
.v-fail { border-color: var(--fail) !important; }
button.cell.v-fail { border-width: 3px; background: var(--fail-bg); }
button.cell.v-pass { background: var(--pass-bg); }
button.cell.v-infra { border-style: dashed; border-width: 2px; background: var(--infra-bg); color: var(--infra); }
.comparison { font-size: .75rem; }
.history { font-size: .75rem; letter-spacing: .1em; }
.history .tick.v-fail { color: var(--fail); } .history .tick.v-pass { color: var(--pass); } .history .tick.v-infra { color: var(--infra); }
.flaky { font-weight: 700; }
table.list { border-collapse: collapse; width: 100%; }
table.list th, table.list td { border-bottom: 1px solid var(--line); padding: .25rem .4rem; text-align: left; vertical-align: top; }
.error-text, .evidence { overflow-wrap: anywhere; }
button.link { background: none; border: none; padding: 0; text-decoration: underline; cursor: pointer; font: inherit; }
dialog#detail { width: min(70rem, 95vw); max-height: 92vh; padding: 1rem 1.5rem; border: 1px solid #888; background: var(--bg); color: var(--fg); }
dialog::backdrop { background: rgb(0 0 0 / 35%); }
.detail .close { float: right; }
p.verdict { font-weight: 600; padding: .4rem .6rem; border-left: 6px solid var(--line); }
p.verdict.v-fail { border-left-color: var(--fail); background: var(--fail-bg); }
p.verdict.v-pass { border-left-color: var(--pass); background: var(--pass-bg); }
p.verdict.v-infra { border-left-style: dashed; background: var(--infra-bg); }
.diagnosis-item { border: 1px solid var(--line); border-radius: 4px; padding: .2rem .8rem; margin-bottom: .6rem; }
.diagnosis-item h4 { margin: .5rem 0; }
tr.differs th, tr.differs td { font-weight: 700; }
section.infra-section { border-top: 3px dashed var(--infra); margin-top: 1rem; font-size: .9rem; }
section.infra-section p { margin: .2rem 0; }
section.infra-section h2 { margin-top: .4rem; }
.legend td:first-child { white-space: nowrap; }
.note { color: var(--muted); font-style: italic; }
`;

/** The run's folded details (its summary line is the run at a glance) and the totals in one line. */
const RUN_CSS = `
details.run-details > summary { margin: .8rem 0 .3rem; border-bottom: 1px solid var(--line); }
details.run-details > summary h2 { display: inline; border: none; margin: 0; }
.run-summary { color: var(--muted); font-size: .9rem; }
details.run-details .meta { margin: .4rem 0; }
.totals-line { display: flex; flex-wrap: wrap; align-items: center; gap: .2rem 1rem; margin: .2rem 0; font-size: .85rem; }
.totals-line h3 { margin: 0; font-size: .95rem; }
details.legend-box { margin: .3rem 0; }
`;

/** "Since the last run": TestGrid's four groups side by side. */
const CHANGES_CSS = `
.changes { display: grid; grid-template-columns: repeat(4, minmax(0, 1fr)); gap: .5rem; }
.change { border: 1px solid var(--line); border-radius: 4px; padding: .1rem .6rem .3rem; font-size: .85rem; }
.change h3 { margin: .2rem 0; font-size: .95rem; }
.change ul { margin: 0; padding-left: 1.1rem; } .change li { overflow-wrap: anywhere; }
.change p.none { margin: 0; color: var(--muted); }
.change-new { border-left: 6px solid var(--fail); } .change-still { border-left: 6px double var(--fail); }
.change-fixed { border-left: 6px solid var(--pass); } .change-flaky { border-left: 6px dashed var(--infra); }
ul.left-out { margin: 0; padding-left: 1.1rem; }
`;

/** The "what broke" groups at the top, command blocks with their copy button, the pass-rate column. */
const WHAT_BROKE_CSS = `
header .status { margin: .2rem 0 0; }
.status-item { white-space: nowrap; }
/* Groups side by side where two fit (a wide screen), one per line otherwise. */
#what-broke { display: grid; grid-template-columns: repeat(auto-fill, minmax(44rem, 1fr)); gap: 0 .8rem; align-items: start; }
#what-broke > :not(article) { grid-column: 1 / -1; }
#what-broke h2 { margin-top: .8rem; }
article.group { border: 1px solid var(--line); border-left: 6px solid var(--fail); border-radius: 4px; padding: .1rem .8rem .3rem; margin: .3rem 0; background: var(--surface); font-size: .92rem; }
article.group pre { padding: .3rem .5rem; }
article.group.v-infra { border-left-style: dashed; border-left-color: var(--infra); }
article.group h3 { margin: .4rem 0 .2rem; }
ul.group-cells { margin: .2rem 0 .4rem; padding-left: 1.2rem; }
ul.group-cells li { overflow-wrap: anywhere; }
dl.group-fix { margin: .3rem 0; }
.commands-label { margin: .4rem 0 .2rem; font-weight: 600; }
.command { display: flex; gap: .5rem; align-items: flex-start; }
.command pre { flex: 1; margin: 0; }
button.copy { font: inherit; font-size: .85rem; padding: .2rem .6rem; border: 1px solid var(--line); border-radius: 4px; background: var(--head-bg); color: var(--fg); cursor: pointer; white-space: nowrap; }
button.copy:hover, button.copy:focus { outline: 2px solid var(--link); }
p.source { margin: .3rem 0; font-size: .9rem; }
.all-good { font-weight: 600; color: var(--pass); }
td.rate { white-space: nowrap; }
td.rate meter { width: 5rem; vertical-align: middle; }
`;

/**
 * The page's CSS, inlined. Colour only reinforces what glyphs and words already say (WCAG 1.4.1);
 * deviations also get a thick border, cells without a verdict a dashed one.
 */
export const REPORT_CSS = `${BASE_CSS}${RUN_CSS}${CHANGES_CSS}${WHAT_BROKE_CSS}${THEME_CSS}`;
