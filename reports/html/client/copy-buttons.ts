import { h } from './dom.ts';

/**
 * Puts `source`'s text on the clipboard and says so on the button. Where the clipboard is refused
 * (no permission, no secure context) the text is selected instead, ready for Ctrl+C.
 */
export function copyText(source: HTMLElement, button: HTMLElement): void {
  const text = source.textContent ?? '';
  const selectSource = () => {
    const range = document.createRange();
    range.selectNodeContents(source);
    const selection = window.getSelection();
    selection?.removeAllRanges();
    selection?.addRange(range);
    button.textContent = 'Selected: press Ctrl+C';
  };
  if (!navigator.clipboard) {
    selectSource();
    return;
  }
  navigator.clipboard.writeText(text).then(() => {
    button.textContent = 'Copied';
  }, selectSource);
}

/** Shows and wires the copy buttons of the static part of the page (`data-copy` names the code element). */
export function wireCopyButtons(): void {
  for (const button of Array.from(document.querySelectorAll('button.copy[data-copy]'))) {
    const source = document.getElementById(button.getAttribute('data-copy') ?? '');
    if (!(button instanceof HTMLElement) || !source) continue;
    button.hidden = false;
    button.addEventListener('click', () => copyText(source, button));
  }
}

/** The script-built twin of the static command block (render-commands.ts): label, commands, copy button. */
export function renderCommandBlock(label: string, commands: string[]): HTMLElement {
  const code = h('code', null, commands.join('\n'));
  const button = h('button', { type: 'button', class: 'copy', 'aria-live': 'polite' }, 'Copy');
  button.addEventListener('click', () => copyText(code, button));
  return h(
    'div',
    { class: 'commands-block' },
    h('p', { class: 'commands-label' }, label),
    h('div', { class: 'command' }, h('pre', { class: 'commands' }, code), button),
  );
}
