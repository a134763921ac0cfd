// A stand-in for the `vscode` module, enough for activate() to run outside VS Code: what activation registers is
// kept (and disposable), events never fire, settings give their defaults, there is no workspace. A name activation
// reaches that is not here throws, so the bench says so instead of measuring less than activation does.
'use strict';

const noop = () => undefined;
const disposable = () => ({ dispose: noop });

class Disposable {
  constructor(fn) {
    this.fn = fn;
  }
  static from(...items) {
    return new Disposable(() => items.forEach((i) => i && i.dispose && i.dispose()));
  }
  dispose() {
    if (this.fn) this.fn();
    this.fn = undefined;
  }
}

class EventEmitter {
  constructor() {
    this.listeners = new Set();
    this.event = (listener) => {
      this.listeners.add(listener);
      return { dispose: () => this.listeners.delete(listener) };
    };
  }
  fire(e) {
    for (const l of this.listeners) l(e);
  }
  dispose() {
    this.listeners.clear();
  }
}

const event = () => disposable();

class Position {
  constructor(line, character) {
    this.line = line;
    this.character = character;
  }
}
class Range {
  constructor(start, end) {
    this.start = start;
    this.end = end;
  }
}
class Uri {
  constructor(scheme, path) {
    this.scheme = scheme;
    this.path = path;
    this.fsPath = path;
  }
  static file(p) {
    return new Uri('file', p);
  }
  static from(parts) {
    return new Uri(parts.scheme, parts.path || '');
  }
  static parse(text) {
    return new Uri(text.split(':')[0], text);
  }
  static joinPath(base, ...parts) {
    return new Uri(base.scheme, [base.path, ...parts].join('/'));
  }
  toString() {
    return `${this.scheme}:${this.path}`;
  }
}

const configuration = {
  get: (_key, fallback) => fallback,
  has: () => false,
  inspect: () => undefined,
  update: () => Promise.resolve(),
};

function logChannel() {
  return {
    name: 'log',
    info: noop,
    warn: noop,
    error: noop,
    debug: noop,
    trace: noop,
    append: noop,
    appendLine: noop,
    show: noop,
    hide: noop,
    clear: noop,
    dispose: noop,
    onDidChangeLogLevel: event,
    logLevel: 2,
  };
}

const api = {
  Disposable,
  EventEmitter,
  Position,
  Range,
  Uri,
  MarkdownString: class {
    constructor(value) {
      this.value = value;
    }
  },
  Hover: class {
    constructor(contents, range) {
      this.contents = contents;
      this.range = range;
    }
  },
  Diagnostic: class {
    constructor(range, message, severity) {
      Object.assign(this, { range, message, severity });
    }
  },
  DiagnosticSeverity: { Error: 0, Warning: 1, Information: 2, Hint: 3 },
  TreeItemCollapsibleState: { None: 0, Collapsed: 1, Expanded: 2 },
  ThemeIcon: class {
    constructor(id, color) {
      this.id = id;
      this.color = color;
    }
  },
  ThemeColor: class {
    constructor(id) {
      this.id = id;
    }
  },
  StatusBarAlignment: { Left: 1, Right: 2 },
  window: {
    createOutputChannel: () => logChannel(),
    createTreeView: () => ({
      visible: false,
      onDidChangeVisibility: event,
      onDidExpandElement: event,
      onDidCollapseElement: event,
      reveal: () => Promise.resolve(),
      dispose: noop,
    }),
    registerWebviewPanelSerializer: () => disposable(),
    showInformationMessage: () => Promise.resolve(undefined),
    showWarningMessage: () => Promise.resolve(undefined),
    showErrorMessage: () => Promise.resolve(undefined),
    activeTextEditor: undefined,
    visibleTextEditors: [],
    onDidChangeActiveTextEditor: event,
    onDidChangeVisibleTextEditors: event,
  },
  workspace: {
    getConfiguration: () => configuration,
    onDidChangeConfiguration: event,
    onDidGrantWorkspaceTrust: event,
    onDidOpenTextDocument: event,
    onDidCloseTextDocument: event,
    onDidChangeTextDocument: event,
    registerTextDocumentContentProvider: () => disposable(),
    isTrusted: true,
    fs: {
      stat: () => Promise.reject(new Error('no file in the stub')),
      createDirectory: () => Promise.resolve(),
      writeFile: () => Promise.resolve(),
    },
    workspaceFolders: undefined,
    textDocuments: [],
  },
  languages: {
    registerHoverProvider: () => disposable(),
    createDiagnosticCollection: () => ({ set: noop, delete: noop, clear: noop, dispose: noop, forEach: noop, get: () => undefined, has: () => false }),
    match: () => 0,
  },
  commands: {
    registerCommand: () => disposable(),
    executeCommand: () => Promise.resolve(undefined),
  },
  extensions: {
    getExtension: () => undefined,
    onDidChange: event,
    all: [],
  },
  // English: VS Code hands an extension no bundle, and l10n.t gives the English text.
  l10n: { bundle: undefined, uri: undefined, t: (message) => message },
  env: { language: 'en', clipboard: { readText: () => Promise.resolve(''), writeText: () => Promise.resolve() } },
};

function strict(target, path) {
  return new Proxy(target, {
    get(obj, name) {
      if (typeof name === 'symbol' || name in obj) {
        const value = obj[name];
        return value !== null && typeof value === 'object' && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype
          ? strict(value, `${path}.${name}`)
          : value;
      }
      if (name === 'then' || name === '__esModule' || name === 'default') return undefined;
      throw new Error(`the vscode stub has no ${path}.${String(name)}: activation reached it (add it to bench/activation/vscodeStub.cjs)`);
    },
  });
}

module.exports = strict(api, 'vscode');
