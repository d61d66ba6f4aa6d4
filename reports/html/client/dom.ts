type Attribute = string | number | boolean | undefined | ((event: Event) => void);
type Child = Node | string | number | null | undefined | false;

/**
 * Creates an element. Children that are strings become text nodes and attribute values go through
 * setAttribute, so nothing from the results is ever parsed as HTML. `onclick`-style keys add listeners.
 */
export function h(tag: string, attributes: Record<string, Attribute> | null, ...children: Child[]): HTMLElement {
  const element = document.createElement(tag);
  for (const name of Object.keys(attributes ?? {})) {
    const value = (attributes as Record<string, Attribute>)[name];
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    element.append(typeof child === 'number' ? String(child) : child);
  }
  return element;
}

/** `<dl>` from label/value pairs, skipping empty values. */
export function definitionList(pairs: [string, Child][]): HTMLElement {
  const list = h('dl', null);
  for (const [label, value] of pairs) {
    if (value === undefined || value === null || value === '' || value === false) continue;
    list.append(h('dt', null, label), h('dd', null, value));
  }
  return list;
}

/** A link to a documented source, opened outside the report; anything but an https URL stays plain text. */
export function docLink(url: string, text: string): HTMLElement | string {
  return /^https:\/\//.test(url) ? h('a', { href: url, rel: 'noopener noreferrer', target: '_blank' }, text) : text;
}
