// Namespaces pinned by `clusterCredentials.namespaces` are not listed, so no namespace list says that one was deleted.
// Its own lists show it emptied, though: deleting a namespace deletes everything in it, its `default` service account
// too, which the cluster makes in every namespace that exists. When a pinned namespace's service-account list answers
// without `default`, the namespace itself is asked for (at most once a minute), and a 404 says it is gone; `default`
// back means it was made again.
import { namespacePresence } from '../cluster/live/namespacePresence';
import type { Presence } from '../diagnosis/tokenVerdict';
import type { SessionState } from './sessionState';

const REASK_MS = 60_000;

export interface PinnedNamespacesOptions {
  /** A pinned namespace was found gone. */
  onGone: () => void;
  /** For tests: how a namespace is asked for. */
  presence?: (state: SessionState, namespace: string) => Promise<Presence>;
  nowMs?: () => number;
}

export class PinnedNamespaces {
  private state: SessionState | undefined;
  private readonly gone = new Set<string>();
  private readonly askedAtMs = new Map<string, number>();

  constructor(private readonly opts: PinnedNamespacesOptions) {}

  /** The pinned namespaces of `state` known to be gone; empty for any other session. */
  goneIn(state: SessionState | undefined): ReadonlySet<string> {
    return state !== undefined && state === this.state ? this.gone : new Set();
  }

  /** Looks at the session's lists now (after each change of its state). */
  observe(state: SessionState | undefined): void {
    if (state !== this.state) {
      this.state = state;
      this.gone.clear();
      this.askedAtMs.clear();
    }
    const snapshot = state?.snapshot();
    if (state === undefined || snapshot === undefined || !snapshot.namespacesFixed) return;
    const now = (this.opts.nowMs ?? Date.now)();
    for (const { name } of snapshot.namespaces) {
      if (snapshot.status.serviceaccounts.get(name)?.state !== 'ready') continue;
      if (snapshot.serviceAccounts.some((sa) => sa.namespace === name && sa.name === 'default')) {
        this.gone.delete(name);
        this.askedAtMs.delete(name);
        continue;
      }
      const asked = this.askedAtMs.get(name);
      if (this.gone.has(name) || (asked !== undefined && now - asked < REASK_MS)) continue;
      this.askedAtMs.set(name, now);
      const ask = this.opts.presence ?? ((s: SessionState, ns: string) => namespacePresence(s.session.api, ns));
      void ask(state, name)
        .catch((): Presence => ({ state: 'unknown', why: 'no answer' }))
        .then((presence) => {
          if (this.state !== state || presence.state !== 'absent' || this.gone.has(name)) return;
          this.gone.add(name);
          this.opts.onGone();
        });
    }
  }
}
