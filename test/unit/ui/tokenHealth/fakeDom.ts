// Just enough of a DOM for the webview's renderers, with no HTML parser at all: setting innerHTML
// or outerHTML, or calling insertAdjacentHTML, throws. A renderer that draws cluster data through
// it can only have made elements it named itself, with the data as text.

export class FakeNode {
  parent: FakeElement | undefined;
  constructor(readonly nodeType: number) {}
  get textContent(): string {
    return '';
  }
}

export class FakeText extends FakeNode {
  constructor(public data: string) {
    super(3);
  }
  override get textContent(): string {
    return this.data;
  }
}

export class FakeElement extends FakeNode {
  readonly childNodes: FakeNode[] = [];
  readonly attributes = new Map<string, string>();
  readonly listeners = new Map<string, (() => void)[]>();
  hidden = false;
  value = '';

  constructor(
    readonly tagName: string,
    readonly namespaceURI: string,
  ) {
    super(1);
  }

  override get textContent(): string {
    return this.childNodes.map((c) => c.textContent).join('');
  }

  override set textContent(text: string) {
    this.replaceChildren(new FakeText(text));
  }

  set innerHTML(_html: string) {
    throw new Error('innerHTML used');
  }

  set outerHTML(_html: string) {
    throw new Error('outerHTML used');
  }

  insertAdjacentHTML(): void {
    throw new Error('insertAdjacentHTML used');
  }

  setAttribute(name: string, value: string): void {
    if (/^on/i.test(name)) throw new Error(`event handler attribute ${name} set`);
    this.attributes.set(name, String(value));
  }

  getAttribute(name: string): string | null {
    return this.attributes.get(name) ?? null;
  }

  appendChild<T extends FakeNode>(child: T): T {
    child.parent = this;
    this.childNodes.push(child);
    return child;
  }

  replaceChildren(...children: FakeNode[]): void {
    this.childNodes.splice(0, this.childNodes.length);
    for (const c of children) this.appendChild(c);
  }

  addEventListener(type: string, listener: () => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }

  click(): void {
    for (const l of this.listeners.get('click') ?? []) l();
  }

  /** Every element below (and including) this one. */
  all(): FakeElement[] {
    const out: FakeElement[] = [this];
    for (const c of this.childNodes) if (c instanceof FakeElement) out.push(...c.all());
    return out;
  }

  /** Every text node below this one. */
  texts(): string[] {
    const out: string[] = [];
    for (const c of this.childNodes) {
      if (c instanceof FakeText) out.push(c.data);
      else if (c instanceof FakeElement) out.push(...c.texts());
    }
    return out;
  }
}

const HTML_NS = 'http://www.w3.org/1999/xhtml';

export const fakeDocument = {
  createElement: (tag: string) => new FakeElement(tag.toLowerCase(), HTML_NS),
  createElementNS: (ns: string, tag: string) => new FakeElement(tag, ns),
  createTextNode: (text: string) => new FakeText(text),
};

/** Runs `fn` with the fake document as the global `document`. */
export function withFakeDocument<T>(fn: () => T): T {
  const g = globalThis as { document?: unknown };
  const previous = g.document;
  g.document = fakeDocument;
  try {
    return fn();
  } finally {
    if (previous === undefined) delete g.document;
    else g.document = previous;
  }
}

/** The renderers return DOM types; in these tests they are fake elements. */
export function asFake(node: unknown): FakeElement {
  if (!(node instanceof FakeElement)) throw new Error('not a fake element');
  return node;
}
