// `npm run cluster`: starts, writes an admin kubeconfig that works, prints its path, and
// stops cleanly on SIGTERM.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';

const CLI = join(__dirname, '..', '..', '..', 'cluster', 'cli.ts');

interface Kubeconfig {
  clusters: { cluster: { server: string; 'certificate-authority-data': string } }[];
  users: { user: { token: string } }[];
}

function getJson(url: string, ca: string, token: string): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca, headers: { Authorization: `Bearer ${token}` } }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => {
        text += c.toString('utf8');
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as unknown }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('cluster CLI', () => {
  it('starts a scenario, writes a working kubeconfig and stops on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cluster-cli-'));
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, '--scenario', 'healthy', '--dir', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let out = '';
      const path = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no kubeconfig path printed: ${out}`)), 20_000);
        child.stdout.on('data', (c: Buffer) => {
          out += c.toString('utf8');
          const line = out.split('\n').find((l) => l.startsWith(dir));
          if (line !== undefined) {
            clearTimeout(timer);
            resolve(line.trim());
          }
        });
        child.on('exit', (code) => reject(new Error(`exited early with ${String(code)}: ${out}`)));
      });
      assert.equal(path, join(dir, 'kubeconfig'));
      assert.ok(existsSync(path));
      const kc = parse(readFileSync(path, 'utf8')) as Kubeconfig;
      const cluster = kc.clusters[0]?.cluster;
      assert.ok(cluster);
      assert.match(cluster.server, /^https:\/\/127\.0\.0\.1:\d+$/);
      const ca = Buffer.from(cluster['certificate-authority-data'], 'base64').toString('utf8');
      const reply = await getJson(`${cluster.server}/api/v1/namespaces/payments/serviceaccounts/api`, ca, kc.users[0]?.user.token ?? '');
      assert.equal(reply.status, 200);
      assert.equal((reply.body as { metadata: { name: string } }).metadata.name, 'api');
      const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      assert.equal(await exit, 0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("writes the scenarios' files into --dir: node-1's expired multus.kubeconfig", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cluster-cli-'));
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, '--scenario', 'multus-kubeconfig-expired', '--dir', dir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let out = '';
      const kubeconfigPath = join(dir, 'kubeconfig');
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no kubeconfig path printed: ${out}`)), 20_000);
        child.stdout.on('data', (c: Buffer) => {
          out += c.toString('utf8');
          if (out.split('\n').includes(kubeconfigPath) && out.includes('multus.kubeconfig')) {
            clearTimeout(timer);
            resolve();
          }
        });
        child.on('exit', (code) => reject(new Error(`exited early with ${String(code)}: ${out}`)));
      });
      const multusPath = join(dir, 'node-1', 'multus.kubeconfig');
      assert.ok(
        out.split('\n').some((l) => l.startsWith(`scenario file: ${multusPath} (`)),
        out,
      );
      const kc = parse(readFileSync(multusPath, 'utf8')) as Kubeconfig;
      const token = kc.users[0]?.user.token ?? '';
      const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp: number };
      assert.ok(claims.exp * 1000 < Date.now(), 'expired');
      const cluster = kc.clusters[0]?.cluster;
      assert.ok(cluster);
      const ca = Buffer.from(cluster['certificate-authority-data'], 'base64').toString('utf8');
      const reply = await getJson(`${cluster.server}/api/v1/namespaces/kube-system/pods`, ca, token);
      assert.equal(reply.status, 401);
      const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      assert.equal(await exit, 0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
