// Building DOM without HTML strings: every text goes in through textContent, every attribute
// through setAttribute, so nothing from the cluster is ever parsed as markup.

export interface ElementSpec {
  className?: string;
  text?: string;
  attrs?: Record<string, string>;
  children?: (Node | undefined)[];
}

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, spec?: ElementSpec): HTMLElementTagNameMap[K];
/** A custom element (vscode-elements) where its tag map is not in scope, e.g. in the Node tests. */
export function el(tag: `vscode-${string}`, spec?: ElementSpec): HTMLElement;
export function el(tag: string, spec: ElementSpec = {}): HTMLElement {
  const node = document.createElement(tag);
  fill(node, spec);
  return node;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

export function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number> = {}, title?: string): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
  if (title !== undefined) {
    const t = document.createElementNS(SVG_NS, 'title');
    t.textContent = title;
    node.appendChild(t);
  }
  return node;
}

function fill(node: Element, spec: ElementSpec): void {
  if (spec.className !== undefined) node.setAttribute('class', spec.className);
  for (const [name, value] of Object.entries(spec.attrs ?? {})) node.setAttribute(name, value);
  if (spec.text !== undefined) node.textContent = spec.text;
  for (const child of spec.children ?? []) if (child !== undefined) node.appendChild(child);
}

/** Replaces all children of `parent`. */
export function replaceChildren(parent: Element, ...children: (Node | undefined)[]): void {
  parent.replaceChildren(...children.filter((c): c is Node => c !== undefined));
}
