// A tree data provider that stands in for one not loaded yet: the explorer's view is created at activation,
// while its real provider lives in the cluster layer, a second bundle loaded on first use. The first time the
// view asks for children (it is shown), the layer is loaded and every call goes to its provider from then on.
import * as vscode from 'vscode';

export class DeferredTreeProvider<T> implements vscode.TreeDataProvider<T>, vscode.Disposable {
  private target: vscode.TreeDataProvider<T> | undefined;
  private loading: Promise<vscode.TreeDataProvider<T>> | undefined;
  private relay: vscode.Disposable | undefined;
  private readonly changed = new vscode.EventEmitter<T | T[] | undefined | null | void>();
  readonly onDidChangeTreeData = this.changed.event;

  constructor(private readonly load: () => Promise<vscode.TreeDataProvider<T>>) {}

  /** Hands the view to `target` (the cluster layer calls this once it is loaded), and redraws it from there. */
  attach(target: vscode.TreeDataProvider<T>): void {
    if (this.target !== undefined) return;
    this.target = target;
    this.relay = target.onDidChangeTreeData?.((e) => this.changed.fire(e));
    this.changed.fire();
  }

  getTreeItem(element: T): vscode.TreeItem | Thenable<vscode.TreeItem> {
    // Elements only ever come from the target's getChildren: it is there.
    if (this.target === undefined) throw new Error('the explorer asked for an item before its provider was loaded');
    return this.target.getTreeItem(element);
  }

  async getChildren(element?: T): Promise<T[] | null | undefined> {
    const target = this.target ?? (await (this.loading ??= this.load()));
    return target.getChildren(element);
  }

  getParent(element: T): vscode.ProviderResult<T> {
    return this.target?.getParent?.(element);
  }

  resolveTreeItem(item: vscode.TreeItem, element: T, token: vscode.CancellationToken): vscode.ProviderResult<vscode.TreeItem> {
    return this.target?.resolveTreeItem ? this.target.resolveTreeItem(item, element, token) : item;
  }

  dispose(): void {
    this.relay?.dispose();
    this.changed.dispose();
  }
}
