// The webview → host guard: anything outside the protocol is dropped, and only clusterCredentials.*
// commands with a well-formed NodeRef target can be asked for.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildTimeline } from '../../../../src/diagnosis/timeline';
import {
  isHostMessage,
  isNodeRef,
  MAX_COPY_CHARS,
  parsePersistedState,
  parseWebviewMessage,
  type TokenHealthState,
} from '../../../../src/shared/tokenHealthProtocol';
import { buildPanelState, isOffered, offeredCommands } from '../../../../src/ui/tokenHealth/panelData';
import { apisixRecords, notReloadingFinding, T0 } from './evidence';

const pod = { kind: 'pod', context: 'test', namespace: 'gateway', name: 'apisix-7d9f-x2k4q', uid: 'uid-apisix', serviceAccount: 'apisix' } as const;

describe('parseWebviewMessage', () => {
  it('accepts each message of the protocol', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'ready' }), { type: 'ready' });
    assert.deepEqual(parseWebviewMessage({ type: 'refresh' }), { type: 'refresh' });
    assert.deepEqual(parseWebviewMessage({ type: 'copy', text: 'a\tb' }), { type: 'copy', text: 'a\tb' });
    assert.deepEqual(parseWebviewMessage({ type: 'runAction', command: 'clusterCredentials.restartPod', target: pod }), {
      type: 'runAction',
      command: 'clusterCredentials.restartPod',
      target: pod,
    });
    assert.deepEqual(parseWebviewMessage({ type: 'runAction', command: 'clusterCredentials.reloadCredentials' }), {
      type: 'runAction',
      command: 'clusterCredentials.reloadCredentials',
    });
  });

  it('drops extra fields instead of passing them on', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'ready', state: { evil: true } }), { type: 'ready' });
    const m = parseWebviewMessage({ type: 'runAction', command: 'clusterCredentials.restartPod', args: ['rm -rf /'] });
    assert.deepEqual(m, { type: 'runAction', command: 'clusterCredentials.restartPod' });
  });

  it('ignores commands outside clusterCredentials.*', () => {
    for (const command of [
      'workbench.action.terminal.sendSequence',
      'vscode.open',
      '_workbench.downloadResource',
      'clusterCredentials.',
      'clusterCredentials.restartPod; rm',
      'clusterCredentialsX.restartPod',
      'xclusterCredentials.restartPod',
      ' clusterCredentials.restartPod',
      'clusterCredentials.restart.pod',
      'clusterCredentials.' + 'a'.repeat(100),
    ]) {
      assert.equal(parseWebviewMessage({ type: 'runAction', command, target: pod }), undefined, command);
    }
  });

  it('ignores malformed messages', () => {
    const bad: unknown[] = [
      undefined,
      null,
      42,
      'ready',
      [],
      [{ type: 'ready' }],
      {},
      { type: 'READY' },
      { type: 'state' },
      { type: 'copy' },
      { type: 'copy', text: 42 },
      { type: 'copy', text: 'x'.repeat(MAX_COPY_CHARS + 1) },
      { type: 'runAction' },
      { type: 'runAction', command: 42 },
      { type: 'runAction', command: 'clusterCredentials.restartPod', target: 'pod' },
      { type: 'runAction', command: 'clusterCredentials.restartPod', target: { kind: 'pod', context: 'test' } },
      { type: 'runAction', command: 'clusterCredentials.restartPod', target: { kind: 'file', context: 'test', path: '/etc/passwd' } },
      { type: 'runAction', command: 'clusterCredentials.restartPod', target: { ...pod, name: { toString: 'x' } } },
      { type: 'runAction', command: 'clusterCredentials.restartPod', target: { ...pod, owner: 'ReplicaSet' } },
    ];
    for (const m of bad) assert.equal(parseWebviewMessage(m), undefined, JSON.stringify(m) ?? String(m));
  });
});

describe('isNodeRef', () => {
  it('accepts every kind with its fields and rejects missing or empty ones', () => {
    assert.ok(isNodeRef({ kind: 'context', context: 'c' }));
    assert.ok(isNodeRef({ kind: 'serviceAccount', context: 'c', namespace: 'n', name: 's' }));
    assert.ok(isNodeRef({ ...pod, owner: { kind: 'ReplicaSet', name: 'apisix-7d9f' } }));
    assert.ok(isNodeRef({ kind: 'finding', context: 'c', findingId: 'notReloading:x' }));
    assert.ok(isNodeRef({ kind: 'tokenFile', context: 'c', namespace: 'n', pod: 'p', podUid: 'u', container: 'k', path: '/t', serviceAccount: 's' }));
    assert.ok(!isNodeRef({ kind: 'context', context: '' }));
    assert.ok(!isNodeRef({ kind: 'serviceAccount', context: 'c', namespace: 'n' }));
    assert.ok(!isNodeRef({ kind: 'finding', context: 'c' }));
    assert.ok(!isNodeRef({ kind: 'context', context: 'x'.repeat(2000) }));
  });
});

describe('what the host runs', () => {
  const state = buildPanelState({ ref: pod, records: apisixRecords(), findings: [notReloadingFinding()], nowMs: T0 + 80 * 60_000 });

  it('offers only the panel actions and the commands of its findings', () => {
    const offered = offeredCommands(state);
    assert.ok(offered.has('clusterCredentials.restartPod'));
    assert.ok(offered.has('clusterCredentials.scanUnauthorized'));
    assert.ok(!offered.has('clusterCredentials.copyToken'), 'a well-formed command the panel does not show is not offered');
  });

  it('runs an offered command only on the target its button carries', () => {
    const target = notReloadingFinding().actions[0]?.target;
    assert.ok(isOffered(state, 'clusterCredentials.restartPod', target));
    assert.ok(
      isOffered(state, 'clusterCredentials.restartPod', {
        serviceAccount: 'apisix',
        uid: 'uid-apisix',
        name: 'apisix-7d9f-x2k4q',
        namespace: 'gateway',
        context: 'test',
        kind: 'pod',
      }),
      'key order does not matter',
    );
    assert.ok(!isOffered(state, 'clusterCredentials.restartPod', { ...pod, name: 'payments-db-0' }), 'not on another pod');
    assert.ok(!isOffered(state, 'clusterCredentials.restartPod', undefined));
    assert.ok(!isOffered(state, 'clusterCredentials.copyToken', target));
  });
});

describe('host messages and the saved state', () => {
  const state: TokenHealthState = {
    subject: { ref: { kind: 'context', context: 'test' }, title: 'Context test', detail: 'd' },
    timeline: buildTimeline([], [], T0),
    unauthorizedLines: [],
    findings: [],
    actions: [],
    generatedAtMs: T0,
  };

  it('recognises a state message and nothing else', () => {
    assert.ok(isHostMessage({ type: 'state', state }));
    assert.ok(!isHostMessage({ type: 'state' }));
    assert.ok(!isHostMessage({ type: 'state', state: { ...state, timeline: null } }));
    assert.ok(!isHostMessage({ type: 'state', state: { ...state, subject: { ...state.subject, ref: { kind: 'nope' } } } }));
  });

  it('restores a saved state and starts fresh from anything else', () => {
    assert.deepEqual(parsePersistedState({ version: 1, state, filter: 'x' }), { version: 1, state, filter: 'x' });
    assert.deepEqual(parsePersistedState(undefined), { version: 1, filter: '' });
    assert.deepEqual(parsePersistedState({ version: 2, state, filter: 'x' }), { version: 1, filter: '' });
    assert.deepEqual(parsePersistedState({ version: 1, state: { subject: 1 }, filter: 7 }), { version: 1, filter: '' });
  });

  it("restores a state saved before the audit log's 401s were drawn, so its panel comes back after an upgrade", () => {
    const { auditUnauthorized, ...older } = state.timeline;
    assert.deepEqual(auditUnauthorized, []);
    const saved = { ...state, timeline: older };
    assert.deepEqual(parsePersistedState({ version: 1, state: saved, filter: '' }), { version: 1, state: saved, filter: '' });
    assert.ok(!isHostMessage({ type: 'state', state: { ...state, timeline: { ...state.timeline, auditUnauthorized: 'x' } } }));
  });
});
