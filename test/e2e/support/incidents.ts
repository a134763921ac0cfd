// Moves the incident suite makes in the workbench: the explorer's tree, notifications, the
// palette's "Scan for 401 Errors" and "Switch Context", tree tooltips, and the Token Health panel.
import type { FrameLocator, Locator, Page } from 'playwright-core';
import type { TestCluster } from '../../cluster/server';
import { escapeRegExp, runCommand } from './workbench';

export function treeItem(page: Page, name: RegExp): Locator {
  return page.getByRole('treeitem', { name }).first();
}

/**
 * Expands a tree item (waiting for it first) unless it is open already; returns it. A refresh can open the node
 * between the look and the click (Findings opens itself once it has findings), and the click then closes it: so
 * the item is looked at again after each click until it stays open.
 */
export async function expandItem(page: Page, name: RegExp, timeout = 45_000): Promise<Locator> {
  const item = treeItem(page, name);
  await item.waitFor({ state: 'visible', timeout });
  const deadline = Date.now() + timeout;
  while ((await item.getAttribute('aria-expanded')) === 'false') {
    if (Date.now() > deadline) throw new Error(`the tree item ${String(name)} did not open within ${timeout / 1000} s`);
    await item.click();
    await eventually('open', async () => (await item.getAttribute('aria-expanded')) !== 'false', 5_000).catch(() => undefined);
  }
  return item;
}

/** Collapses a tree item when it is open (the context node, so Findings shows near the top). */
export async function collapseItem(page: Page, name: RegExp): Promise<void> {
  const item = treeItem(page, name);
  await item.waitFor({ state: 'visible', timeout: 30_000 });
  if ((await item.getAttribute('aria-expanded')) === 'true') await item.locator('.monaco-tl-twistie').click();
}

export async function clearNotifications(page: Page): Promise<void> {
  await runCommand(page, 'Notifications: Clear All Notifications');
}

/** A notification's text, from its toast or, once the toast has gone, from the notification center. */
export async function notification(page: Page, text: RegExp, timeout = 60_000): Promise<string> {
  const any = page
    .locator('.notification-toast .notification-list-item-message, .notifications-center .notification-list-item-message', { hasText: text })
    .first();
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    try {
      await any.waitFor({ state: 'visible', timeout: 5_000 });
      return await any.innerText();
    } catch {
      // Gone from the toasts before we looked: it is in the center.
      if (!(await page.locator('.notifications-center').isVisible())) await runCommand(page, 'Notifications: Show Notifications');
    }
  }
  throw new Error(`no notification matching ${String(text)} within ${timeout / 1000} s`);
}

/** Clicks a quick pick row with this text once it shows. */
export async function pick(page: Page, text: string | RegExp, timeout = 30_000): Promise<void> {
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: text }).first();
  await row.waitFor({ state: 'visible', timeout });
  await row.click();
}

/** "Switch Context" from the palette, as a user picks a context; waits for the tree to follow. */
export async function switchContext(page: Page, context: string): Promise<void> {
  await runCommand(page, 'Cluster Credentials: Switch Context');
  await pick(page, context);
  await contextIsActive(page, context);
}

/**
 * Waits until `context` is the explorer's active context. With several contexts every one has a row from the start
 * (the Contexts list), so its row showing proves nothing: the active one is marked "active · ". With one context,
 * its row is the active one.
 */
export async function contextIsActive(page: Page, context: string, timeoutMs = 45_000): Promise<Locator> {
  const rows = page.locator('.part.sidebar [role="treeitem"][aria-level="1"]');
  const row = rows.filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(context)}$`) }) }).first();
  await row.waitFor({ state: 'visible', timeout: timeoutMs });
  await eventually(
    `${context} marked as the active context`,
    async () => {
      const marked = await rows.locator('.label-description', { hasText: /^active · / }).count();
      if (marked === 0) return (await rows.filter({ has: page.locator('.label-description') }).count()) <= 2;
      const said = (await row.locator('.label-description').count()) > 0 ? await row.locator('.label-description').first().innerText() : '';
      return said.startsWith('active · ');
    },
    timeoutMs,
  );
  return row;
}

/** "Scan for 401 Errors" from the palette over all namespaces; returns the sentence it ends with. */
export async function scanAllNamespaces(page: Page, context: string): Promise<string> {
  await clearNotifications(page);
  await runCommand(page, 'Cluster Credentials: Scan for 401 Errors');
  await pick(page, 'All namespaces');
  return notification(page, new RegExp(`(finding\\(s\\)|No 401 problem found) in context ${escapeRegExp(context)}`), 120_000);
}

/**
 * The text of a tree item's tooltip (the markdown tooltip resolves lazily on hover); `heading` tells
 * it apart from the tooltip of the item hovered before. Dismissed again before returning, so it
 * covers no other row.
 */
export async function tooltipOf(page: Page, item: Locator, heading: RegExp): Promise<string> {
  const hovers = page.locator('.monaco-hover:not(.hidden), .workbench-hover');
  try {
    return await (await showTooltip(page, item, heading)).innerText();
  } finally {
    await page.keyboard.press('Escape');
    await page.mouse.move(5, 5);
    await hovers
      .first()
      .waitFor({ state: 'hidden', timeout: 5_000 })
      .catch(() => undefined);
  }
}

/**
 * Hovers a tree item until its tooltip, the one matching `heading`, shows, and leaves it up. The extension host
 * fills a tooltip in when asked, so a busy one gets ten seconds a try, and three tries.
 */
export async function showTooltip(page: Page, item: Locator, heading: RegExp): Promise<Locator> {
  const hover = page.locator('.monaco-hover:not(.hidden), .workbench-hover').filter({ hasText: heading }).first();
  for (let attempt = 1; ; attempt++) {
    await page.mouse.move(5, 5);
    await item.hover();
    try {
      await hover.waitFor({ state: 'visible', timeout: 10_000 });
      return hover;
    } catch (err) {
      if (attempt === 3) throw new Error(`no tooltip matching ${String(heading)}`, { cause: err });
      // A hover of another item was in the way: dismiss it and try again.
      await page.keyboard.press('Escape');
    }
  }
}

/** Clicks a finding in the tree, which opens its Token Health panel; returns the panel's frame once it drew. */
export async function openFindingPanel(page: Page, item: Locator, tabTitle: RegExp): Promise<FrameLocator> {
  await item.waitFor({ state: 'visible', timeout: 30_000 });
  await item.click();
  const tab = page.locator('.tabs-container .tab.active', { hasText: tabTitle }).first();
  await tab.waitFor({ state: 'visible', timeout: 30_000 });
  const frame = page.frameLocator('iframe.webview:visible').first().frameLocator('#active-frame');
  await frame.locator('svg.timeline, .timeline-box .empty').first().waitFor({ state: 'visible', timeout: 30_000 });
  return frame;
}

/** The same pattern without its `^`, to find it inside a longer text. */
export function anywhere(re: RegExp): RegExp {
  return new RegExp(re.source.replace(/^\^/, ''), re.flags);
}

/** Widens the primary side bar by dragging its sash, so long finding titles show in screenshots. */
export async function widenSideBar(page: Page, by: number): Promise<void> {
  const side = await page.locator('.part.sidebar').first().boundingBox();
  if (!side) return;
  const edge = side.x + side.width;
  const sashes = page.locator('.monaco-sash.vertical');
  let best: { x: number; y: number; d: number } | undefined;
  for (let i = 0; i < (await sashes.count()); i++) {
    const box = await sashes.nth(i).boundingBox();
    if (!box || box.height < side.height / 2) continue;
    const x = box.x + box.width / 2;
    const d = Math.abs(x - edge);
    if (!best || d < best.d) best = { x, y: box.y + box.height / 2, d };
  }
  if (!best || best.d > 10) return;
  await page.mouse.move(best.x, best.y);
  await page.mouse.down();
  await page.mouse.move(best.x + by, best.y, { steps: 10 });
  await page.mouse.up();
}

/** The newest line time (ms) in a container's log on the test cluster, or undefined. */
export function lastLogLineMs(cluster: TestCluster, namespace: string, pod: string, container: string): number | undefined {
  const read = cluster.logs.container(namespace, pod, container).read({ tailLines: 1, timestamps: true });
  if (!read.ok) return undefined;
  const stamp = /^(\S+)\s/.exec(read.text)?.[1];
  const ms = stamp === undefined ? Number.NaN : Date.parse(stamp);
  return Number.isNaN(ms) ? undefined : ms;
}

/** Polls `probe` until it holds, failing with `what` after `timeoutMs`. */
export async function eventually(what: string, probe: () => boolean | Promise<boolean>, timeoutMs = 30_000, everyMs = 250): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`${what} within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
