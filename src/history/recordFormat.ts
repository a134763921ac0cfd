// The history file format: a header line, then one JSON record per line. Records are checked field by
// field and copied, so only known fields reach the disk and anything else on the disk reads as corrupt.
import * as l10n from '@vscode/l10n';
import { fieldHoldingToken } from './secretGuard';
import type { AuditRecord, HistoryRecord, PodAddressRecord, Subject, TokenObservation, UnauthorizedEvent } from './types';

export const FORMAT = 'cluster-credentials-history';
export const VERSION = 1;
export const HEADER_LINE = `${JSON.stringify({ format: FORMAT, version: VERSION })}\n`;

export type Checked = { ok: true; record: HistoryRecord } | { ok: false; reason: string };

export type HeaderCheck = { ok: true } | { ok: false; reason: string };

const TOKEN_SOURCES = new Set(['liveRead', 'tokenRequest', 'kubeconfig', 'secret']);
const EVENT_SOURCES = new Set(['log', 'event', 'probe']);
const AUDIT_USES = new Set(['stale', 'legacy', 'unauthorized']);
/** An audit record keeps a few distinct user agents and addresses, each of a bounded length. */
export const MAX_AUDIT_VALUES = 16;
export const MAX_AUDIT_TEXT = 1024;
const SUBJECT_FIELDS = ['namespace', 'pod', 'podUid', 'serviceAccount', 'container', 'path'] as const;
// A fingerprint is a hash prefix (hex, optionally colon-separated or `sha256:`-prefixed), never a token.
const FINGERPRINT = /^(?:sha256:)?[0-9A-Fa-f:]{8,128}$/;

class Invalid extends Error {}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function time(v: unknown, name: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new Invalid(l10n.t("'{0}' is not a time in milliseconds", name));
  return v;
}

function optionalNumber(v: unknown, name: string): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Invalid(l10n.t("'{0}' is not a number", name));
  return v;
}

function optionalString(v: unknown, name: string): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new Invalid(l10n.t("'{0}' is not a string", name));
  return v;
}

function subject(v: unknown): Subject {
  if (!isObject(v)) throw new Invalid(l10n.t("'{0}' is missing", 'subject'));
  if (typeof v.context !== 'string' || v.context === '') throw new Invalid(l10n.t("'{0}' is missing", 'subject.context'));
  const out: Subject = { context: v.context };
  for (const field of SUBJECT_FIELDS) {
    const value = optionalString(v[field], `subject.${field}`);
    if (value !== undefined) out[field] = value;
  }
  return out;
}

function tokenObservation(v: Record<string, unknown>): TokenObservation {
  const at = time(v.at, 'at');
  if (typeof v.source !== 'string' || !TOKEN_SOURCES.has(v.source)) throw new Invalid(l10n.t("'{0}' is not a token source", 'source'));
  if (typeof v.fingerprint !== 'string' || !FINGERPRINT.test(v.fingerprint)) {
    throw new Invalid(l10n.t("'{0}' is not a hex hash prefix", 'fingerprint'));
  }
  const out: TokenObservation = {
    kind: 'token',
    at,
    subject: subject(v.subject),
    source: v.source as TokenObservation['source'],
    fingerprint: v.fingerprint,
  };
  const iat = optionalNumber(v.iat, 'iat');
  const exp = optionalNumber(v.exp, 'exp');
  const warnAfter = optionalNumber(v.warnAfter, 'warnAfter');
  const jti = optionalString(v.jti, 'jti');
  if (iat !== undefined) out.iat = iat;
  if (exp !== undefined) out.exp = exp;
  if (warnAfter !== undefined) out.warnAfter = warnAfter;
  if (jti !== undefined) out.jti = jti;
  const lastAt = lastAtOf(v, at);
  if (lastAt !== undefined) out.lastAt = lastAt;
  return out;
}

function unauthorizedEvent(v: Record<string, unknown>): UnauthorizedEvent {
  const at = time(v.at, 'at');
  if (typeof v.source !== 'string' || !EVENT_SOURCES.has(v.source)) throw new Invalid(l10n.t("'{0}' is not an event source", 'source'));
  if (typeof v.pattern !== 'string' || v.pattern === '') throw new Invalid(l10n.t("'{0}' is missing", 'pattern'));
  if (typeof v.line !== 'string') throw new Invalid(l10n.t("'{0}' is missing", 'line'));
  const out: UnauthorizedEvent = {
    kind: 'unauthorized',
    at,
    subject: subject(v.subject),
    source: v.source as UnauthorizedEvent['source'],
    pattern: v.pattern,
    line: v.line,
  };
  if (v.count !== undefined) {
    if (typeof v.count !== 'number' || !Number.isInteger(v.count) || v.count < 1) throw new Invalid(l10n.t("'{0}' is not a positive integer", 'count'));
    out.count = v.count;
  }
  return out;
}

function lastAtOf(v: Record<string, unknown>, at: number): number | undefined {
  if (v.lastAt === undefined) return undefined;
  const lastAt = time(v.lastAt, 'lastAt');
  if (lastAt < at) throw new Invalid(l10n.t("'{0}' is before '{1}'", 'lastAt', 'at'));
  return lastAt > at ? lastAt : undefined;
}

function boundedText(v: unknown, name: string, allowEmpty: boolean): string {
  if (typeof v !== 'string' || (!allowEmpty && v === '') || v.length > MAX_AUDIT_TEXT) throw new Invalid(l10n.t("'{0}' is not a short text", name));
  return v;
}

function textList(v: unknown, name: string): string[] {
  if (!Array.isArray(v) || v.length > MAX_AUDIT_VALUES) throw new Invalid(l10n.t("'{0}' is not a short list", name));
  return v.map((item, i) => boundedText(item, `${name}[${i}]`, false));
}

function auditRecord(v: Record<string, unknown>): AuditRecord {
  const at = time(v.at, 'at');
  if (typeof v.use !== 'string' || !AUDIT_USES.has(v.use)) throw new Invalid(l10n.t("'{0}' is not an audit use", 'use'));
  if (typeof v.requests !== 'number' || !Number.isInteger(v.requests) || v.requests < 1)
    throw new Invalid(l10n.t("'{0}' is not a positive integer", 'requests'));
  const out: AuditRecord = {
    kind: 'audit',
    use: v.use as AuditRecord['use'],
    at,
    subject: subject(v.subject),
    requests: v.requests,
    userAgents: textList(v.userAgents, 'userAgents'),
    sourceIPs: textList(v.sourceIPs, 'sourceIPs'),
  };
  const lastAt = lastAtOf(v, at);
  if (lastAt !== undefined) out.lastAt = lastAt;
  if (v.user !== undefined) out.user = boundedText(v.user, 'user', true);
  const seconds = optionalNumber(v.maxSecondsAfterWarning, 'maxSecondsAfterWarning');
  if (seconds !== undefined) out.maxSecondsAfterWarning = seconds;
  if (out.use === 'unauthorized') {
    // The key of a refused caller: both present, either may be empty (the log gave none).
    out.sourceIP = boundedText(v.sourceIP, 'sourceIP', true);
    out.userAgent = boundedText(v.userAgent, 'userAgent', true);
    if (v.podDeleted !== undefined) {
      if (typeof v.podDeleted !== 'boolean') throw new Invalid(l10n.t("'{0}' is not true or false", 'podDeleted'));
      if (v.podDeleted) out.podDeleted = true;
    }
  } else if (out.user === undefined) throw new Invalid(l10n.t("'{0}' is missing", 'user'));
  return out;
}

function podAddressRecord(v: Record<string, unknown>): PodAddressRecord {
  const at = time(v.at, 'at');
  const s = subject(v.subject);
  if (s.namespace === undefined || s.pod === undefined || s.podUid === undefined) throw new Invalid(l10n.t("'{0}' does not name a pod", 'subject'));
  const out: PodAddressRecord = { kind: 'podAddress', at, subject: s, ip: boundedText(v.ip, 'ip', false) };
  const lastAt = lastAtOf(v, at);
  if (lastAt !== undefined) out.lastAt = lastAt;
  return out;
}

/** A clean copy of a record with only known fields, or why it is not one. */
export function checkRecord(value: unknown): Checked {
  try {
    if (!isObject(value)) return { ok: false, reason: l10n.t('it is not an object') };
    let record: HistoryRecord;
    if (value.kind === 'token') record = tokenObservation(value);
    else if (value.kind === 'unauthorized') record = unauthorizedEvent(value);
    else if (value.kind === 'audit') record = auditRecord(value);
    else if (value.kind === 'podAddress') record = podAddressRecord(value);
    else return { ok: false, reason: l10n.t("'{0}' is not one of {1}", 'kind', "'token', 'unauthorized', 'audit', 'podAddress'") };
    const leaking = fieldHoldingToken(record as unknown as Record<string, unknown>);
    if (leaking) return { ok: false, reason: l10n.t("'{0}' holds what looks like a raw token", leaking) };
    return { ok: true, record };
  } catch (err) {
    if (err instanceof Invalid) return { ok: false, reason: err.message };
    throw err;
  }
}

/** Why a file is not a history file. */
export function notAHeader(): string {
  return l10n.t('its first line is not a history header');
}

export function checkHeader(line: string): HeaderCheck {
  let header: unknown;
  try {
    header = JSON.parse(line);
  } catch {
    return { ok: false, reason: notAHeader() };
  }
  if (!isObject(header) || header.format !== FORMAT) return { ok: false, reason: notAHeader() };
  if (header.version !== VERSION) {
    return { ok: false, reason: l10n.t('it has format version {0}, and this version reads {1}', String(header.version), VERSION) };
  }
  return { ok: true };
}

export function serialize(record: HistoryRecord): string {
  return `${JSON.stringify(record)}\n`;
}
