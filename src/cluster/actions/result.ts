// What every cluster action answers: a value, or a ClusterError the UI renders as a sentence.
import * as l10n from '@vscode/l10n';
import type { ApiClients, HttpMethodName, RawResponse } from '../auth/apiClient';
import { answerDetail, clusterError, type ClusterError, type ErrorContext } from '../errors';
import { isRecord } from '../../shared/values';

export type ActionResult<T> = { ok: true; value: T } | { ok: false; error: ClusterError };

export function failed<T>(error: ClusterError): ActionResult<T> {
  return { ok: false, error };
}

export function succeeded<T>(value: T): ActionResult<T> {
  return { ok: true, value };
}

export type Json = Record<string, unknown>;

export interface JsonAnswer {
  status: number;
  headers: Record<string, string>;
  body: Json;
}

export interface JsonRequest {
  method?: HttpMethodName;
  body?: unknown;
  contentType?: string;
  signal?: AbortSignal;
  about?: Omit<ErrorContext, 'server' | 'path'>;
}

/** One request through the session's clients (with their 401 refresh), its JSON answer or the classified error. */
export async function requestJson(api: ApiClients, path: string, req: JsonRequest = {}): Promise<ActionResult<JsonAnswer>> {
  const headers: Record<string, string> = {};
  if (req.body !== undefined) headers['Content-Type'] = req.contentType ?? 'application/json';
  const res: RawResponse = await api.rawRequest(path, {
    method: req.method ?? 'GET',
    headers,
    ...(req.body !== undefined ? { body: JSON.stringify(req.body) } : {}),
    ...(req.signal ? { signal: req.signal } : {}),
    ...(req.about ? { about: req.about } : {}),
  });
  if (!res.ok) return failed(res.error);
  let body: unknown;
  try {
    body = res.body.trim() === '' ? {} : JSON.parse(res.body);
  } catch {
    return failed(
      clusterError({
        kind: 'unknown',
        status: res.status,
        message: l10n.t(
          "the cluster answered {0} with something that is not JSON ({1}); check that the context's server is the Kubernetes API server, not a proxy or login page",
          path,
          res.status,
        ),
        detail: answerDetail(res.body, res.headers['content-type']),
      }),
    );
  }
  return succeeded({ status: res.status, headers: res.headers, body: isRecord(body) ? body : {} });
}

export function field(obj: unknown, ...path: string[]): unknown {
  let cur: unknown = obj;
  for (const key of path) {
    if (!isRecord(cur)) return undefined;
    cur = cur[key];
  }
  return cur;
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

export function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : [];
}

export function enc(segment: string): string {
  return encodeURIComponent(segment);
}

/** A ClusterError of our own making, for a refusal that happens before any request. */
export function refusal(kind: ClusterError['kind'], message: string): ClusterError {
  return { kind, message };
}
