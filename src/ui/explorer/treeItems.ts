// ExplorerNode → vscode.TreeItem: codicons with theme colours, and the live-token targets of pods.
import * as vscode from 'vscode';
import type { LiveTokenTarget, PodItem } from '../../cluster/inventory/types';
import type { ExplorerNode, Tone } from './explorerNode';

const TONE_COLOR: Record<Tone, string | undefined> = {
  ok: 'testing.iconPassed',
  info: 'problemsInfoIcon.foreground',
  warning: 'problemsWarningIcon.foreground',
  error: 'problemsErrorIcon.foreground',
  muted: 'disabledForeground',
};

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

/** Every projected token file of these pods (running ones only: exec needs a running container). */
export function liveTargetsOf(pods: readonly PodItem[]): LiveTokenTarget[] {
  const out: LiveTokenTarget[] = [];
  for (const p of pods) {
    if (p.phase !== 'Running' || p.deleting) continue;
    for (const c of p.containers) for (const t of c.tokens) out.push({ namespace: p.namespace, pod: p.name, podUid: p.uid, container: c.name, path: t.path });
  }
  return out;
}
