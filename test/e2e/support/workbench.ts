// Small, reliable moves in VS Code 1.139's workbench (selectors verified in shared/E2E.md).
import type { Locator, Page } from 'playwright-core';

export async function runCommand(page: Page, title: string): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  // The palette can be closed under us by a notification or dialog finishing at that moment (its input
  // turns inert, then hidden): open it again rather than wait on a widget that is gone.
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press('F1');
    await input.waitFor({ state: 'visible' });
    try {
      await input.fill(`>${title}`, { timeout: 5_000 });
      break;
    } catch (err) {
      if (attempt === 3) throw err;
      await page.keyboard.press('Escape');
    }
  }
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
  await row.waitFor({ state: 'visible', timeout: 15_000 });
  // Enter runs the focused row, which a recently used command can outrank: click the one named instead.
  const focused = page.locator('.quick-input-list .monaco-list-row.focused', { hasText: title });
  if ((await focused.count()) > 0) await page.keyboard.press('Enter');
  else await row.click();
}

export async function openFile(page: Page, relativePath: string): Promise<void> {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(relativePath);
  const name = relativePath.split('/').pop() ?? relativePath;
  await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor({ state: 'visible', timeout: 15_000 });
  await page.keyboard.press('Enter');
  await page.locator('.tabs-container .tab.active', { hasText: name }).waitFor({ timeout: 15_000 });
  await page.locator('.monaco-editor .view-line').first().waitFor({ timeout: 15_000 });
}

/**
 * Hovers the first editor span whose text starts with `prefix` and returns the hover. With `expect`, the hover
 * is the one whose text matches it: another hover still on screen (a workbench tooltip) is not taken for it,
 * and the span is hovered again until ours shows (a busy machine can answer the first hover before the
 * extension's provider does).
 */
export async function hoverSpan(page: Page, prefix: string, expect?: RegExp): Promise<Locator> {
  const span = page.locator('.monaco-editor .view-line span span', { hasText: new RegExp(`^${escapeRegExp(prefix)}`) }).first();
  await span.waitFor({ state: 'visible', timeout: 15_000 });
  // The workbench keeps a hidden hover widget around; the one that appeared is not `.hidden`.
  const hover = page.locator('.monaco-hover:not(.hidden) .monaco-hover-content', expect ? { hasText: expect } : {}).first();
  const deadline = Date.now() + 45_000;
  for (;;) {
    const box = await span.boundingBox();
    if (!box) throw new Error(`no box for span starting with ${prefix}`);
    await page.mouse.move(box.x + 3, box.y + box.height / 2);
    await page.mouse.move(box.x + 12, box.y + box.height / 2);
    try {
      await hover.waitFor({ state: 'visible', timeout: 15_000 });
      break;
    } catch (err) {
      if (expect === undefined || Date.now() > deadline) throw err;
      // Away and back: a new hover request.
      await page.keyboard.press('Escape');
      await page.mouse.move(box.x + 3, box.y + box.height * 6);
    }
  }
  // The widget shows "Loading..." until the providers answer (the extension may still be activating).
  for (const deadline = Date.now() + 15_000; Date.now() < deadline && /^\s*Loading\.\.\.\s*$/.test(await hover.innerText());) await page.waitForTimeout(100);
  return hover;
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
