import { escapeHtml as e } from './escape.ts';

/**
 * A command block with a copy button. The button stays hidden until the page's script wires it up
 * (copy-buttons.ts), so a reader without JavaScript never sees a button that does nothing.
 */
export function renderCommands(id: string, label: string, commands: readonly string[]): string {
  return `<div class="commands-block"><p class="commands-label">${e(label)}</p><div class="command"><pre class="commands"><code id="${e(id)}">${e(commands.join('\n'))}</code></pre><button type="button" class="copy" data-copy="${e(id)}" aria-live="polite" hidden>Copy</button></div></div>`;
}
