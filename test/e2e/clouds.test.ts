// Cloud credentials end to end (issue 10), in a real VS Code (code-server) with the packaged VSIX, against the
// test cluster's `clouds` and `login-required` scenarios, their kubeconfigs merged through KUBECONFIG as kubectl
// merges them: one context per cloud (the fake `aws eks get-token`, `gke-gcloud-auth-plugin`, `kubelogin` and
// `kubectl oidc-login` plugins, by absolute path), a kubeadm admin certificate that expires in 20 days (the
// current context), and a device-code login that waits.
// - The Contexts list shows every context offline, the plugins of other contexts never run: the GKE plugin runs
//   only once its context is switched to. Switched to in turn, each cloud's plugin answers; back on the kubeadm
//   context, every row says whose credential it is and its time left, worst first.
// - A hover on an EKS token in a YAML kubeconfig names its cluster, region and expiry.
// - The device-code plugin's page and code show in a notification with Cancel; after Cancel the context says
//   "login needed" and neither a refresh nor a request starts the plugin again; Sign In to Context does.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { Clock } from '../cluster/clock';
import { cloudsKubeconfig, type CloudsKubeconfig, type PluginContextName } from '../cluster/scenarios/clouds';
import { LOGIN_REQUIRED, loginRequiredKubeconfig, type LoginRequired } from '../cluster/scenarios/loginRequired';
import { startTestCluster, type TestCluster } from '../cluster/server';
import { buildEksToken } from '../unit/token/support/eksTokens';
import { launchCodeServer, screenshotOnFailure, type Workbench } from './support/codeServer';
import { contextMenu } from './support/commandPaths';
import { clearNotifications, eventually, notification, switchContext, treeItem } from './support/incidents';
import { RESULTS } from './support/paths';
import { escapeRegExp, hoverSpan, openFile, runCommand } from './support/workbench';

const EKS_ARN = 'arn:aws:eks:eu-west-1:111122223333:cluster/prod-eu';

/** A root row of the explorer: its label and description, in the order shown. */
interface Row {
  label: string;
  description: string;
}

async function rootRows(page: Page): Promise<Row[]> {
  const items = page.locator('.part.sidebar [role="treeitem"][aria-level="1"]');
  const out: Row[] = [];
  for (let i = 0; i < (await items.count()); i++) {
    const item = items.nth(i);
    out.push({
      label: (await item.locator('.label-name').first().innerText()).trim(),
      description: ((await item.locator('.label-description').count()) > 0 ? await item.locator('.label-description').first().innerText() : '').trim(),
    });
  }
  return out;
}

function contextRow(page: Page, context: string): Locator {
  return treeItem(page, new RegExp(`^${escapeRegExp(context)}\\b`));
}

/** "expires in 13 min" → seconds left, roughly; undefined when the words carry no time left. */
function secondsLeft(description: string): number | undefined {
  const m = /expires in (\d+) (s|min|h|d)\b/.exec(description);
  if (!m) return undefined;
  const unit = { s: 1, min: 60, h: 3600, d: 86_400 }[m[2] as 's' | 'min' | 'h' | 'd'];
  return Number(m[1]) * unit;
}

describe('cloud credentials in code-server', { timeout: 600_000 }, () => {
  let cluster: TestCluster;
  let clouds: CloudsKubeconfig;
  let login: LoginRequired;
  let wb: Workbench;
  let workspace = '';

  const step = screenshotOnFailure('clouds', () => wb);

  /** The description of a context's root row once it matches `want`. */
  async function rowSays(context: string, want: RegExp, timeoutMs = 60_000): Promise<string> {
    let last = '';
    await eventually(
      `${context} saying ${String(want)}`,
      async () => {
        const row = (await rootRows(wb.page)).find((r) => r.label === context);
        last = row?.description ?? '(no row)';
        return want.test(last);
      },
      timeoutMs,
      250,
    ).catch((err: unknown) => {
      throw new Error(`${String(err)}; it said ${JSON.stringify(last)}`);
    });
    return last;
  }

  /** Switch to This Context from the row's menu; waits until the row is the active one. */
  async function switchTo(context: string): Promise<void> {
    await contextMenu(wb.page, contextRow(wb.page, context), 'Switch to This Context');
    await rowSays(context, /^active · /);
  }

  before(async () => {
    // The cluster's clock runs with the wall clock: the plugins mint tokens on it and the extension reads them on it.
    cluster = await startTestCluster({ scenarios: ['clouds', 'login-required'], clock: new Clock(Date.now(), { realTime: true }) });
    const dir = mkdtempSync(join(RESULTS, 'clouds-'));
    workspace = join(dir, 'workspace');
    mkdirSync(workspace, { recursive: true });
    clouds = cloudsKubeconfig(cluster, dir);
    login = loginRequiredKubeconfig(cluster, dir);
    wb = await launchCodeServer({
      name: 'clouds',
      folder: workspace,
      // Merged as kubectl merges KUBECONFIG: the first file's current-context (kubeadm-admin) wins.
      env: { KUBECONFIG: `${clouds.path}:${login.path}` },
    });
    const entry = wb.page.locator('.activitybar [aria-label^="Cluster Credentials"]').first();
    await entry.waitFor({ state: 'visible', timeout: 60_000 });
    await entry.click();
    await contextRow(wb.page, clouds.contexts.kubeadm).waitFor({ state: 'visible', timeout: 60_000 });
  });

  after(async () => {
    await wb?.stop();
    await cluster?.stop();
  });

  test('the Contexts list shows every context offline and runs no plugin of another context', async () => {
    const { page } = wb;
    const kubeadm = await step('kubeadm', () => rowSays(clouds.contexts.kubeadm, /^active · /));
    // The kubeadm admin certificate, 20 days before it expires.
    assert.match(kubeadm, /expires in 20 d\b|expires in 19 d\b/, kubeadm);
    const rows = await rootRows(page);
    const labels = rows.map((r) => r.label);
    for (const c of [...Object.values(clouds.contexts), login.context]) assert.ok(labels.includes(c), `${c} in ${labels.join(', ')}`);
    // Each plugin context in words, from its stanza alone: not run since VS Code started.
    const eks = rows.find((r) => r.label === clouds.contexts.eks)?.description ?? '';
    assert.match(eks, /^AWS EKS token · prod-eu · not run yet$/);
    const aks = rows.find((r) => r.label === clouds.contexts.aks)?.description ?? '';
    assert.match(aks, /^Azure \(Entra ID\) token · tenant \S+ · not run yet$/);
    const oidc = rows.find((r) => r.label === clouds.contexts.oidc)?.description ?? '';
    assert.match(oidc, /· https:\/\/dex\.platform\.example\.com · not run yet$/);
    for (const c of ['eks-prod-eu', 'gke-analytics', 'aks-payments', 'oidc-platform'] as PluginContextName[]) assert.equal(clouds.runs(c), 0, `${c} ran`);
    assert.equal(login.starts(), 0);
    await wb.screenshot('clouds-contexts-offline');
  });

  test('each cloud’s plugin runs when its context is switched to; back on kubeadm, every row has its identity and time left, worst first', async () => {
    const { page } = wb;
    const order = [clouds.contexts.eks, clouds.contexts.aks, clouds.contexts.oidc, clouds.contexts.gke] as PluginContextName[];
    for (const c of order) {
      assert.equal(clouds.runs(c), 0, `${c} ran before it was switched to`);
      // The first from its row's menu; the others from the palette's pick, by name: a row may move under the
      // pointer as the one before it gets its answer and takes its place, worst first.
      await step(`switch-${c}`, async () => {
        if (c === order[0]) return switchTo(c);
        await switchContext(page, c);
        await rowSays(c, /^active · /);
      });
      // Its plugin answered: the active row says when the credential expires.
      await step(`answer-${c}`, () => rowSays(c, /^active · .*expires in /));
      assert.ok(clouds.runs(c) >= 1, `${c}'s plugin ran`);
    }
    await step('back', () => switchContext(page, clouds.contexts.kubeadm).then(() => rowSays(clouds.contexts.kubeadm, /^active · /)));
    const rows = await rootRows(page);
    const row = (c: string): string => rows.find((r) => r.label === c)?.description ?? '';
    assert.match(row(clouds.contexts.eks), /^AWS EKS token · prod-eu · expires in \d+ min$/);
    assert.match(
      row(clouds.contexts.aks),
      new RegExp(`expires in \\d+ min · signed in as ${escapeRegExp(clouds.usernames['aks-payments'])} \\(Entra ID tenant `),
    );
    assert.match(row(clouds.contexts.oidc), new RegExp(`expires in \\d+ min · signed in as ${escapeRegExp(clouds.usernames['oidc-platform'])}`));
    assert.match(row(clouds.contexts.gke), /^GKE .*expires in \d+ min$/);
    // Worst first: the context never signed in to (not known) before every valid one; the valid ones by time left.
    const shown = rows.filter((r) => r.label !== 'Findings' && !/^Findings\b/.test(r.label));
    const labels = shown.map((r) => r.label);
    assert.ok(labels.indexOf(login.context) < labels.indexOf(clouds.contexts.eks), JSON.stringify(shown));
    const lefts = shown.filter((r) => r.label !== login.context).map((r) => secondsLeft(r.description));
    assert.ok(
      lefts.every((s) => s !== undefined),
      JSON.stringify(shown),
    );
    for (let i = 1; i < lefts.length; i++) assert.ok((lefts[i - 1] ?? 0) <= (lefts[i] ?? 0), `worst first: ${JSON.stringify(shown)}`);
    assert.equal(labels.at(-1), clouds.contexts.kubeadm, 'the certificate with 20 days left comes last');
    await wb.screenshot('clouds-contexts-signed-in');
  });

  test('a hover on an EKS token in a YAML kubeconfig names its cluster, region and expiry', async () => {
    const { page } = wb;
    // An EKS kubeconfig as `aws eks update-kubeconfig` writes it, with a token pasted in: for the hover.
    const { token } = buildEksToken({ signedAt: Math.floor(Date.now() / 1000) - 60, region: 'eu-west-1', cluster: 'prod-eu' });
    writeFileSync(
      join(workspace, 'eks-kubeconfig.yaml'),
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters:',
        `- name: ${EKS_ARN}`,
        '  cluster:',
        '    server: https://0123456789ABCDEF0123456789ABCDEF.gr7.eu-west-1.eks.amazonaws.com',
        'users:',
        `- name: ${EKS_ARN}`,
        '  user:',
        `    token: ${token}`,
        'contexts:',
        '- name: prod-eu',
        '  context:',
        `    cluster: ${EKS_ARN}`,
        `    user: ${EKS_ARN}`,
        'current-context: prod-eu',
        '',
      ].join('\n'),
    );
    await openFile(page, 'eks-kubeconfig.yaml');
    const hover = await step('eks-hover', () => hoverSpan(page, 'k8s-aws-v1', /AWS EKS token/));
    const text = await hover.innerText();
    assert.match(text, /AWS EKS token: valid/);
    assert.match(text, /Cluster\s+prod-eu \(from context prod-eu of this kubeconfig/);
    assert.match(text, /Region\s+eu-west-1/);
    assert.match(text, /expires in 1[34] min/);
    assert.ok(!text.includes('X-Amz-Signature'), 'never the signature');
    await wb.screenshot('clouds-eks-hover');
    await page.keyboard.press('Escape');
    await runCommand(page, 'View: Close All Editors');
  });

  test('a device-code login shows its page and code with Cancel, is not retried after Cancel, and Sign In starts it again', async () => {
    const { page } = wb;
    await clearNotifications(page);
    await contextMenu(page, contextRow(page, login.context), 'Switch to This Context');
    // The login's notification, in its toast or in the notification center (where the headless workbench keeps it).
    const said = await step('login-notification', () => notification(page, new RegExp(`Signing in to ${escapeRegExp(login.context)}`)));
    assert.ok(said.includes('https://microsoft.com/devicelogin') && said.includes('ABCD-EFGH'), said);
    assert.equal(login.starts(), 1);
    const item = page
      .locator('.notification-toast .notification-list-item, .notifications-center .notification-list-item', { hasText: `Signing in to ${login.context}` })
      .first();
    await wb.screenshot('clouds-device-code');
    await item.getByRole('button', { name: 'Cancel' }).click();
    await step('login-needed', () => notification(page, new RegExp(`${escapeRegExp(login.context)}: login needed`)));
    await step('row-login-needed', () => rowSays(login.context, /login needed/));
    // Nothing starts it again by itself: not a refresh of the tree, not a request.
    await runCommand(page, 'Cluster Credentials: Refresh');
    await clearNotifications(page);
    await runCommand(page, 'Cluster Credentials: Who Am I');
    await step('who-am-i', () => notification(page, /login needed/));
    assert.equal(login.starts(), 1, 'no new login after Cancel');
    await wb.screenshot('clouds-login-needed');
    // Signing in is asked for: the plugin starts again, and once the user completes the login the context works.
    await clearNotifications(page);
    await runCommand(page, 'Cluster Credentials: Sign In to Context');
    await step('second-login', () => notification(page, new RegExp(`Signing in to ${escapeRegExp(login.context)}`)));
    assert.equal(login.starts(), 2);
    login.completeLogin();
    await step('signed-in', () => rowSays(login.context, /^active · .*expires in /));
    assert.equal(LOGIN_REQUIRED.deviceCodeMessage.includes('ABCD-EFGH'), true);
  });
});
