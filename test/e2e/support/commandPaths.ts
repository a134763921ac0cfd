// Moves the command-paths suite makes in the workbench: modal dialogs, input boxes, the clipboard,
// an editor's full text, and kubeconfigs merged into one.
import type { Locator, Page } from 'playwright-core';
import { parse, stringify } from 'yaml';

/** The modal dialog once it shows, and its text. */
export async function modal(page: Page, timeout = 30_000): Promise<{ box: Locator; text: string }> {
  const box = page.locator('.monaco-dialog-box').first();
  await box.waitFor({ state: 'visible', timeout });
  return { box, text: await box.innerText() };
}

/** Clicks a button of the open modal dialog and waits for the dialog to close. */
export async function answerModal(page: Page, button: string): Promise<void> {
  const box = page.locator('.monaco-dialog-box').first();
  await box
    .locator('.monaco-button', { hasText: new RegExp(`^${button.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) })
    .first()
    .click();
  await box.waitFor({ state: 'hidden', timeout: 15_000 });
}

/**
 * Right-clicks a tree item and chooses `label` from its context menu. A click that lands while the
 * menu is still settling is sometimes dropped: the menu then stays open with the item focused, and
 * Enter runs it.
 */
export async function contextMenu(page: Page, item: Locator, label: string): Promise<void> {
  await item.waitFor({ state: 'visible', timeout: 45_000 });
  await item.click({ button: 'right' });
  const menu = page.locator('.context-view .monaco-menu').first();
  const entry = menu.locator('.action-item', { hasText: new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }).first();
  await entry.waitFor({ state: 'visible', timeout: 15_000 });
  await entry.hover();
  await entry.click();
  try {
    await menu.waitFor({ state: 'hidden', timeout: 3_000 });
  } catch {
    await entry.hover();
    await page.keyboard.press('Enter');
    await menu.waitFor({ state: 'hidden', timeout: 5_000 });
  }
}

/** The quick input's title once it matches `title` (an input box or a quick pick of a command). */
export async function quickInputTitled(page: Page, title: RegExp, timeout = 30_000): Promise<Locator> {
  const widget = page.locator('.quick-input-widget', { has: page.locator('.quick-input-title', { hasText: title }) }).first();
  await widget.waitFor({ state: 'visible', timeout });
  return widget;
}

/** Answers the input box titled `title` with `value` (replacing what it holds) and Enter. */
export async function answerInput(page: Page, title: RegExp, value: string): Promise<void> {
  const widget = await quickInputTitled(page, title);
  const input = widget.locator('.quick-input-box input').first();
  await input.fill(value);
  await page.keyboard.press('Enter');
  await widget.locator('.quick-input-title', { hasText: title }).waitFor({ state: 'hidden', timeout: 15_000 });
}

/** A quick pick row whose text starts with `label` and which also contains `more` (a description). */
export function quickPickRow(page: Page, label: string, more = ''): Locator {
  const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return page
    .locator('.quick-input-list .monaco-list-row')
    .filter({ hasText: new RegExp(`^\\s*${esc(label)}\\s*${esc(more)}`) })
    .first();
}

/** The system clipboard's text, as the page sees it (the browser context grants clipboard-read). */
export async function readClipboard(page: Page): Promise<string> {
  return page.evaluate(() => navigator.clipboard.readText());
}

/**
 * The active editor's whole text: select all and copy (the clipboard then holds it), then collapse the selection.
 * The clipboard is marked first, so what an earlier step copied is never taken for this editor's text.
 */
export async function activeEditorText(page: Page): Promise<string> {
  const editor = page.locator('.editor-group-container.active .monaco-editor').first();
  await editor.locator('.view-line').first().waitFor({ state: 'visible', timeout: 15_000 });
  await markClipboard(page);
  await editor.locator('.view-lines').first().click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Control+C');
  // The copy goes through the workbench's clipboard service; wait until the clipboard changed.
  const deadline = Date.now() + 10_000;
  let text = '';
  while (Date.now() < deadline) {
    text = await readClipboard(page);
    if (text.length > 0 && text !== MARKER) break;
    await page.waitForTimeout(100);
  }
  await page.keyboard.press('Control+Home');
  return text;
}

const MARKER = 'cluster-credentials-e2e-clipboard-marker';

/** Puts a known marker on the clipboard, so a later read tells a fresh copy from an old one. */
export async function markClipboard(page: Page): Promise<void> {
  await page.evaluate((m) => navigator.clipboard.writeText(m), MARKER);
}

export function isMarker(text: string): boolean {
  return text === MARKER;
}

interface KubeconfigDoc {
  clusters: { name: string }[];
  users: unknown[];
  contexts: { name: string }[];
  'current-context': string;
}

/** One kubeconfig with several users' contexts on the same cluster; the first one's context is current. */
export function mergeKubeconfigs(yamls: string[]): { yaml: string; contexts: string[] } {
  const docs = yamls.map((y) => parse(y) as KubeconfigDoc);
  const first = docs[0];
  if (!first) throw new Error('no kubeconfig to merge');
  const clusters = new Map<string, unknown>();
  for (const d of docs) for (const c of d.clusters) if (!clusters.has(c.name)) clusters.set(c.name, c);
  const merged = {
    ...first,
    clusters: [...clusters.values()],
    users: docs.flatMap((d) => d.users),
    contexts: docs.flatMap((d) => d.contexts),
  };
  return { yaml: stringify(merged), contexts: docs.map((d) => d['current-context']) };
}
