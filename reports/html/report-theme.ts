/**
 * Dark mode (the reader's `prefers-color-scheme`) and print. Dark mode only swaps the colour variables
 * of report-style.ts; print drops what needs a screen (controls, buttons, the dialog) and spells out links.
 */
export const THEME_CSS = `
@media (prefers-color-scheme: dark) {
  :root { color-scheme: dark; --fail: #ff8a80; --fail-bg: #3b1714; --pass: #7fd08f; --pass-bg: #15301c;
    --infra: #b5b5b5; --infra-bg: #2a2a2a; --line: #555; --bg: #121212; --fg: #e8e8e8; --muted: #b8b8b8;
    --code-bg: #1e1e1e; --head-bg: #262626; --row-bg: #1c1c1c; --link: #8ab4f8; --surface: #181818; }
  dialog::backdrop { background: rgb(0 0 0 / 60%); }
}
@media print {
  :root { color-scheme: light; --fail: #8c1d18; --fail-bg: #fff; --pass: #1e6b34; --pass-bg: #fff; --infra: #444;
    --infra-bg: #fff; --line: #999; --bg: #fff; --fg: #000; --muted: #333; --code-bg: #fff; --head-bg: #eee;
    --row-bg: #fff; --link: #000; --surface: #fff; }
  body { margin: 0; font-size: 10pt; }
  #controls, button.copy, button.more, dialog, noscript, .legend-box { display: none !important; }
  pre { max-height: none; overflow: visible; }
  /* Paper cannot be clicked open: the run's folded details print (::details-content, Chromium 131+). */
  details.run-details::details-content { content-visibility: visible; display: block; }
  table.matrix thead th { position: static; }
  article.group, tr, button.cell { break-inside: avoid; }
  h2, h3 { break-after: avoid; }
  #what-broke a[href^="https:"]::after { content: " <" attr(href) ">"; font-size: .8em; overflow-wrap: anywhere; }
}
`;
