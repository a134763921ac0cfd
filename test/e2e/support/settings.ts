// Settings in code-server, as a user changes them. code-server's workbench is a remote window: a setting of
// scope `machine` or `machine-overridable` counts only in the Remote settings (`<user-data>/Machine/settings.json`),
// never in the User settings, as in any VS Code remote window. A change goes through the settings.json editor
// and is saved there, so the workbench applies it as it writes it.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Page } from 'playwright-core';
import { runCommand } from './workbench';

/** The Remote settings file of a run's user-data folder. */
export function remoteSettingsFile(userDataDir: string): string {
  return join(userDataDir, 'Machine', 'settings.json');
}

/** Writes the Remote settings before code-server starts (LaunchOptions.prepareUserData). */
export function writeRemoteSettings(userDataDir: string, settings: Record<string, unknown>): void {
  const file = remoteSettingsFile(userDataDir);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(settings, null, 2));
}

export function readSettingsFile(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
}

/**
 * Replaces the whole Remote settings.json with `settings` in its editor and saves it; resolves once the file
 * holds them, with the editor closed.
 */
export async function replaceRemoteSettings(page: Page, userDataDir: string, settings: Record<string, unknown>): Promise<void> {
  const file = remoteSettingsFile(userDataDir);
  await runCommand(page, 'Preferences: Open Remote Settings (JSON)');
  await page.locator('.tabs-container .tab.active', { hasText: 'settings.json' }).first().waitFor({ state: 'visible', timeout: 30_000 });
  const editor = page.locator('.editor-group-container.active .monaco-editor').first();
  await editor.locator('.view-line').first().waitFor({ state: 'visible', timeout: 15_000 });
  await editor.locator('.view-lines').first().click();
  // Pasted whole: typed, the editor would close brackets and quotes on its own.
  const text = JSON.stringify(settings, null, 2);
  await page.evaluate((t) => navigator.clipboard.writeText(t), text);
  const wanted = JSON.stringify(settings);
  const holds = (): boolean => {
    try {
      return JSON.stringify(readSettingsFile(file)) === wanted;
    } catch {
      return false; // read while being written
    }
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Control+V');
    await page.keyboard.press('Control+S');
    const saved = Date.now() + 5_000;
    while (Date.now() < saved && !holds()) await page.waitForTimeout(100);
    if (holds()) break;
    if (Date.now() > deadline) throw new Error(`${file} does not hold the settings pasted into its editor`);
  }
  await runCommand(page, 'View: Close All Editors');
}
