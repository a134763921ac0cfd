// ExplorerNode → vscode.TreeItem: codicons with theme colours.
import * as vscode from 'vscode';
import type { ExplorerNode, Tone } from './explorerNode';

const TONE_COLOR: Record<Tone, string | undefined> = {
  ok: 'testing.iconPassed',
  info: 'problemsInfoIcon.foreground',
  warning: 'problemsWarningIcon.foreground',
  error: 'problemsErrorIcon.foreground',
  muted: 'disabledForeground',
};

/** A node's tooltip as VS Code shows it: markdown, untrusted, no HTML (every value in it is escaped). */
export function tooltipMarkdown(node: ExplorerNode): vscode.MarkdownString | undefined {
  if (!node.tooltip) return undefined;
  const md = new vscode.MarkdownString(node.tooltip());
  md.isTrusted = false;
  md.supportHtml = false;
  return md;
}

export function treeItemOf(node: ExplorerNode): vscode.TreeItem {
  // A node meant to start expanded (the context) is expandable even before its children arrive, or VS Code
  // would remember it as a leaf and show it collapsed once they do.
  const hasChildren = (node.children?.length ?? 0) > 0 || node.lazyChildren !== undefined || (node.expanded === true && node.children !== undefined);
  const state = !hasChildren
    ? vscode.TreeItemCollapsibleState.None
    : node.expanded
      ? vscode.TreeItemCollapsibleState.Expanded
      : vscode.TreeItemCollapsibleState.Collapsed;
  const item = new vscode.TreeItem(node.label, state);
  item.id = node.id;
  if (node.description !== undefined) item.description = node.description;
  const color = node.tone ? TONE_COLOR[node.tone] : undefined;
  item.iconPath = color ? new vscode.ThemeIcon(node.icon, new vscode.ThemeColor(color)) : new vscode.ThemeIcon(node.icon);
  if (node.contextValue) item.contextValue = node.contextValue;
  if (node.command) item.command = { ...node.command, arguments: node.command.arguments ?? (node.ref ? [node.ref] : []) };
  return item;
}
