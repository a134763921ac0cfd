// The slice of markdown-it (a dependency of @vscode/vsce) the markdown-escaping tests use.
declare module 'markdown-it' {
  interface Options {
    html?: boolean;
    linkify?: boolean;
  }
  export default class MarkdownIt {
    constructor(options?: Options);
    render(src: string): string;
    renderInline(src: string): string;
  }
}
