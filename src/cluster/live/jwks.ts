// Whether a token was signed by this cluster: its published service-account keys (OIDC discovery's
// jwks_uri, or /openid/v1/jwks), fetched with the user's credential and checked with jose. Only the
// signature is checked: an expired token can still be "signed by this cluster".
import * as l10n from '@vscode/l10n';
import { compactVerify, createLocalJWKSet, type JSONWebKeySet } from 'jose';
import type { ApiClients } from '../auth/apiClient';
import type { ClusterError } from '../errors';
import type { SignatureCheck } from '../inventory/types';
import { errorMessage } from '../../shared/values';

const DISCOVERY_PATH = '/.well-known/openid-configuration';
const JWKS_PATH = '/openid/v1/jwks';
const DEFAULT_REFETCH_MS = 60_000;

type KeySet = ReturnType<typeof createLocalJWKSet>;
type Loaded = { ok: true; keys: KeySet; kids: string[] } | { ok: false; error: ClusterError };

export interface ClusterKeysOptions {
  nowMs?: () => number;
  /** Keys (or a failure to get them) are reused this long before asking again (default 60 s). */
  refetchAfterMs?: number;
}

export class ClusterKeys {
  private loaded: { at: number; value: Promise<Loaded> } | undefined;
  private settledOk = false;
  private readonly now: () => number;

  constructor(
    private readonly api: ApiClients,
    private readonly opts: ClusterKeysOptions = {},
  ) {
    this.now = opts.nowMs ?? Date.now;
  }

  /** Never throws. `raw` is used for this check only. */
  async verify(raw: string): Promise<SignatureCheck> {
    let loaded = await this.keys(false);
    if (!loaded.ok) return unchecked(loaded.error);
    let result = await check(raw, loaded.keys);
    // A key the cluster rotated in since the last fetch: fetch once more (rate-limited by keys()).
    if (result.status === 'notSigned' && result.reason === noMatchingKey()) {
      loaded = await this.keys(true);
      if (!loaded.ok) return unchecked(loaded.error);
      result = await check(raw, loaded.keys);
    }
    return result;
  }

  /** Forget the cached keys (Reload Credentials, a new session). */
  reset(): void {
    this.loaded = undefined;
    this.settledOk = false;
  }

  /** The cached keys; `refetch` asks again, but at most once per refetch period. */
  private keys(refetch: boolean): Promise<Loaded> {
    const cached = this.loaded;
    const fresh = cached !== undefined && this.now() - cached.at < (this.opts.refetchAfterMs ?? DEFAULT_REFETCH_MS);
    if (cached && (fresh || (!refetch && this.settledOk))) return cached.value;
    const value = this.fetchKeys().then((loaded) => {
      this.settledOk = loaded.ok;
      return loaded;
    });
    this.loaded = { at: this.now(), value };
    return value;
  }

  private async fetchKeys(): Promise<Loaded> {
    const path = (await this.discoveredPath()) ?? JWKS_PATH;
    // The API server answers 406 to a plain JSON Accept here, as kube-apiserver does.
    const res = await this.api.rawRequest(path, { headers: { Accept: 'application/jwk-set+json, application/json' }, about: { verb: 'get', resource: path } });
    if (!res.ok) return { ok: false, error: res.error };
    try {
      const jwks = JSON.parse(res.body) as JSONWebKeySet;
      if (!Array.isArray(jwks.keys)) throw new Error(l10n.t('no "keys" list'));
      return { ok: true, keys: createLocalJWKSet(jwks), kids: jwks.keys.flatMap((k) => (typeof k.kid === 'string' ? [k.kid] : [])) };
    } catch (err) {
      const why = errorMessage(err);
      return {
        ok: false,
        error: {
          kind: 'invalid',
          message: l10n.t("the cluster's key set at {0} could not be read ({1}); check that the API server serves service-account keys", path, why),
        },
      };
    }
  }

  /** jwks_uri's path when it points at the API server itself; an outside host is never sent the user's credential. */
  private async discoveredPath(): Promise<string | undefined> {
    const res = await this.api.rawRequest(DISCOVERY_PATH);
    if (!res.ok) return undefined;
    try {
      const doc = JSON.parse(res.body) as { jwks_uri?: unknown };
      if (typeof doc.jwks_uri !== 'string') return undefined;
      const uri = new URL(doc.jwks_uri);
      return uri.origin === new URL(this.api.server).origin ? uri.pathname : undefined;
    } catch {
      return undefined;
    }
  }
}

async function check(raw: string, keys: KeySet): Promise<SignatureCheck> {
  try {
    const { protectedHeader } = await compactVerify(raw, keys);
    return protectedHeader.kid ? { status: 'signed', kid: protectedHeader.kid } : { status: 'signed' };
  } catch (err) {
    const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
    if (code === 'ERR_JWKS_NO_MATCHING_KEY') return { status: 'notSigned', reason: noMatchingKey() };
    if (code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED') return { status: 'notSigned', reason: l10n.t("the signature does not match this cluster's key") };
    const why = errorMessage(err);
    return { status: 'notSigned', reason: l10n.t("the token cannot be checked against this cluster's keys ({0})", why) };
  }
}

/** The reason of a token signed with a key this cluster does not publish (yet): the one that is worth a refetch. */
function noMatchingKey(): string {
  return l10n.t("no key of this cluster matches the token's key id");
}

function unchecked(error: ClusterError): SignatureCheck {
  return error.status !== undefined ? { status: 'unchecked', reason: error.message, httpStatus: error.status } : { status: 'unchecked', reason: error.message };
}
