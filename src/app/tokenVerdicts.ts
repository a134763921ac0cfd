// The session's verdicts on service-account tokens, made without TokenReview (diagnosis/tokenVerdict.ts fed with
// what the session knows): the API server's issuer, asked once per session; its default audiences, learned from
// a token it minted for them (a live token of a projection that names no audience); the objects a token is bound
// to from the inventory; and a bound Secret outside the inventory, asked for by name (again after a minute while
// it exists, since it can be deleted later). Whatever is learned fires `onChange`: a verdict may have changed.
import * as l10n from '@vscode/l10n';
import type { ApiClients } from '../cluster/auth/apiClient';
import type { InventorySnapshot, LegacySecretItem, PodItem, ServiceAccountItem } from '../cluster/inventory/types';
import { clusterIssuer } from '../cluster/live/issuer';
import { secretPresence } from '../cluster/live/secretPresence';
import {
  tokenVerdict,
  type ApiServerIdentity,
  type BoundObjects,
  type Presence,
  type PresentObject,
  type SignatureInput,
  type TokenVerdict,
} from '../diagnosis/tokenVerdict';
import { errorMessage } from '../shared/values';
import type { DecodedToken } from '../token/types';

/** A question whose answer may go stale (an issuer not published yet, a Secret still there) is asked again after this. */
const REASK_MS = 60_000;

export interface TokenVerdictsOptions {
  api: ApiClients;
  /** The inventory's snapshot; undefined until the session's lists started. */
  snapshot: () => InventorySnapshot | undefined;
  /** The inventory once every list has answered (starting it if need be). */
  settled: () => Promise<InventorySnapshot>;
  /** Something was learned: a verdict may have changed. */
  onChange: () => void;
  nowMs?: () => number;
}

interface Asked<T> {
  atMs: number;
  answer: Promise<T>;
  settled: boolean;
  /** The answer once settled; while a question is asked again, the previous answer. */
  value?: T;
}

type ListedKind = 'pods' | 'serviceaccounts' | 'secrets';

/** A list that has not answered yet, in words. */
function notAnswered(kind: ListedKind): string {
  switch (kind) {
    case 'pods':
      return l10n.t('the list of pods has not answered yet');
    case 'serviceaccounts':
      return l10n.t('the list of service accounts has not answered yet');
    case 'secrets':
      return l10n.t('the list of service-account token Secrets has not answered yet');
  }
}

/** A list that failed, in words. */
function listFailed(kind: ListedKind, why: string): string {
  switch (kind) {
    case 'pods':
      return l10n.t('listing pods failed: {0}', why);
    case 'serviceaccounts':
      return l10n.t('listing service accounts failed: {0}', why);
    case 'secrets':
      return l10n.t('listing service-account token Secrets failed: {0}', why);
  }
}

interface SnapshotIndex {
  snapshot: InventorySnapshot;
  serviceAccounts: ReadonlyMap<string, ServiceAccountItem>;
  pods: ReadonlyMap<string, PodItem>;
  secrets: ReadonlyMap<string, LegacySecretItem>;
}

/** Items by `namespace/name`; the first of a name wins, as a search in list order would find it. */
function byName<T extends { namespace: string; name: string }>(items: readonly T[]): Map<string, T> {
  const out = new Map<string, T>();
  for (const item of items) {
    const key = `${item.namespace}/${item.name}`;
    if (!out.has(key)) out.set(key, item);
  }
  return out;
}

export class TokenVerdicts {
  private issuerAsked: Asked<string | undefined> | undefined;
  private defaultAudiences: readonly string[] | undefined;
  private readonly secrets = new Map<string, Asked<Presence>>();
  private disposed = false;
  private readonly now: () => number;
  private indexed: SnapshotIndex | undefined;

  constructor(private readonly opts: TokenVerdictsOptions) {
    this.now = opts.nowMs ?? Date.now;
  }

  /** What is known of the API server now; asks for its issuer the first time (and again after a failure). */
  identity(): ApiServerIdentity {
    const issuer = this.askIssuer().value;
    if (this.defaultAudiences !== undefined) {
      return { ...(issuer !== undefined ? { issuer } : {}), audiences: this.defaultAudiences, audiencesComplete: true };
    }
    // Without --api-audiences, kube-apiserver's audiences are its issuers.
    return issuer !== undefined ? { issuer, audiences: [issuer], audiencesComplete: false } : { audiences: [], audiencesComplete: false };
  }

  /** What is known of the API server once its issuer has answered (asked once per session). */
  async known(): Promise<ApiServerIdentity> {
    await this.askIssuer().answer;
    return this.identity();
  }

  /** The audiences of a token the API server minted for its default audience (a projection naming none): all of them. */
  learnDefaultAudiences(audiences: readonly string[]): void {
    if (audiences.length === 0) return;
    const same = this.defaultAudiences !== undefined && this.defaultAudiences.join('\u0000') === audiences.join('\u0000');
    if (same) return;
    this.defaultAudiences = [...audiences];
    this.changed();
  }

  /** The verdict from what is known now; whatever is missing is asked for, and `onChange` fires when it comes. */
  verdictNow(token: DecodedToken, signature: SignatureInput, nowSec: number): TokenVerdict {
    return tokenVerdict({ token, signature, server: this.identity(), objects: this.objects(), nowSec });
  }

  /** The verdict once the issuer, the inventory and (asked again now) the token's bound Secret have answered. */
  async verdict(token: DecodedToken, signature: SignatureInput, nowSec: number): Promise<TokenVerdict> {
    await this.askIssuer().answer;
    const snapshot = await this.opts.settled();
    const k = token.claims.kubernetes;
    const secret = k?.secret;
    if (secret !== undefined && k?.namespace !== undefined && !this.tokenSecretListed(snapshot, k.namespace, secret.name)) {
      await this.askSecret(k.namespace, secret.name, true).answer;
    }
    return this.verdictNow(token, signature, nowSec);
  }

  dispose(): void {
    this.disposed = true;
  }

  private askIssuer(): Asked<string | undefined> {
    const asked = this.issuerAsked;
    // Once known, the issuer is kept for the session; a failure is asked again after a while.
    if (asked !== undefined && (!asked.settled || asked.value !== undefined || this.now() - asked.atMs < REASK_MS)) return asked;
    const next: Asked<string | undefined> = { atMs: this.now(), answer: clusterIssuer(this.opts.api).catch(() => undefined), settled: false };
    this.issuerAsked = next;
    void next.answer.then((issuer) => {
      next.settled = true;
      next.value = issuer;
      if (issuer !== undefined) this.changed();
    });
    return next;
  }

  /** `fresh`: ask again now unless the Secret is known to be gone (a verdict asked for, not one redrawn). */
  private askSecret(namespace: string, name: string, fresh = false): Asked<Presence> {
    const key = `${namespace}/${name}`;
    const asked = this.secrets.get(key);
    // Gone stays gone (a Secret made again has another uid); one still there may have been deleted since.
    const recent = asked !== undefined && !fresh && this.now() - asked.atMs < REASK_MS;
    if (asked !== undefined && (!asked.settled || asked.value?.state === 'absent' || recent)) return asked;
    const answer = secretPresence(this.opts.api, namespace, name).catch((err: unknown): Presence => ({ state: 'unknown', why: errorMessage(err) }));
    const next: Asked<Presence> = { atMs: this.now(), answer, settled: false, ...(asked?.value !== undefined ? { value: asked.value } : {}) };
    this.secrets.set(key, next);
    void answer.then((presence) => {
      const before = next.value;
      next.settled = true;
      next.value = presence;
      if (JSON.stringify(before) !== JSON.stringify(presence)) this.changed();
    });
    return next;
  }

  private changed(): void {
    if (!this.disposed) this.opts.onChange();
  }

  private tokenSecretListed(snapshot: InventorySnapshot, namespace: string, name: string): boolean {
    return snapshot.secrets.some((s) => s.namespace === namespace && s.name === name);
  }

  /**
   * The snapshot's objects by `namespace/name`, made once per snapshot: the tree asks a verdict of every token it
   * shows on each redraw, and a scan of 10,000 pods per token would freeze it.
   */
  private indexOf(snapshot: InventorySnapshot): SnapshotIndex {
    if (this.indexed?.snapshot !== snapshot) {
      this.indexed = {
        snapshot,
        serviceAccounts: byName(snapshot.serviceAccounts),
        pods: byName(snapshot.pods),
        secrets: byName(snapshot.secrets),
      };
    }
    return this.indexed;
  }

  private objects(): BoundObjects {
    const snapshot = this.opts.snapshot();
    const notListed = (kind: ListedKind, namespace: string): string | undefined => {
      if (snapshot === undefined) return l10n.t("the session's lists have not started");
      const statuses = snapshot.status[kind];
      const status = statuses.get('*') ?? statuses.get(namespace);
      if (status === undefined) return l10n.t('namespace {0} is not among those the extension lists', namespace);
      if (status.state === 'loading') return notAnswered(kind);
      if (status.state === 'error') return listFailed(kind, status.error?.message ?? l10n.t('no answer'));
      return undefined;
    };
    const fromList = <T extends { namespace: string; name: string }, P extends PresentObject>(
      kind: ListedKind,
      items: ReadonlyMap<string, T> | undefined,
      namespace: string,
      name: string,
      present: (item: T) => P,
    ): Presence<P> => {
      const why = notListed(kind, namespace);
      if (why !== undefined) return { state: 'unknown', why };
      const item = items?.get(`${namespace}/${name}`);
      return item === undefined ? { state: 'absent' } : present(item);
    };
    const index = snapshot !== undefined ? this.indexOf(snapshot) : undefined;
    return {
      serviceAccount: (ns, name) => fromList('serviceaccounts', index?.serviceAccounts, ns, name, (sa) => ({ state: 'present', uid: sa.uid })),
      pod: (ns, name) =>
        fromList('pods', index?.pods, ns, name, (p) => ({
          state: 'present',
          uid: p.uid,
          ...(p.deletingSinceSec !== undefined ? { deletionSec: p.deletingSinceSec } : {}),
        })),
      tokenSecret: (ns, name) =>
        fromList('secrets', index?.secrets, ns, name, (s) => ({
          state: 'present',
          uid: s.uid,
          ...(s.fingerprint !== undefined ? { tokenFingerprint: s.fingerprint } : {}),
          ...(s.invalidSince !== undefined ? { invalidSince: s.invalidSince } : {}),
        })),
      secret: (ns, name) => {
        const listed = index?.secrets.get(`${ns}/${name}`);
        if (listed !== undefined) return { state: 'present', uid: listed.uid };
        // Only token Secrets are listed: any other is asked for by name.
        return this.askSecret(ns, name).value ?? { state: 'unknown', why: l10n.t('asking the cluster for Secret {0}', `${ns}/${name}`) };
      },
    };
  }
}
