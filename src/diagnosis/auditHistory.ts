// The audit evidence as history keeps it, and back: each use of the summary (a pod's stale token, a legacy
// token, a caller refused with 401 and the pod its address tied it to) as one record of counts, times,
// addresses and user agents, never a token or an audit line; the pods seen holding an address, so that a 401
// still names a pod deleted since. What to write is only what is new or changed against what history holds,
// so a diagnosis that finds the same evidence again writes nothing. Pure.
import type { AuditFindingsInput, LegacyTokenUse, SeenRange, StalePodUse, UnauthorizedCaller } from '../controlPlane/auditSummary';
import { MAX_AUDIT_TEXT, MAX_AUDIT_VALUES } from '../history/recordFormat';
import { recordKey } from '../history/recordLog';
import type { AuditRecord, HistoryRecord, PodAddressRecord, Subject } from '../history/types';
import { tieCallers, type AddressBook, type AddressPod } from './auditSources';
import type { PodAddressEvidence } from './evidence';
import type { AuditUnauthorizedSpan } from './timeline';
import { canonical } from '../shared/values';

/** A live pod's address record is seen again (its lastAt moved) at most this often: once a day, not every diagnosis. */
export const ADDRESS_REFRESH_MS = 24 * 60 * 60 * 1000;

function text(v: string): string {
  return v.length > MAX_AUDIT_TEXT ? v.slice(0, MAX_AUDIT_TEXT) : v;
}

function texts(list: readonly string[]): string[] {
  return [...new Set(list.filter((v) => v !== '').map(text))].slice(0, MAX_AUDIT_VALUES);
}

function rangeFields(r: SeenRange): Pick<AuditRecord, 'at' | 'lastAt' | 'requests' | 'userAgents' | 'sourceIPs'> {
  const out: Pick<AuditRecord, 'at' | 'lastAt' | 'requests' | 'userAgents' | 'sourceIPs'> = {
    at: r.firstSeenMs,
    requests: Math.max(1, r.requests),
    userAgents: texts(r.userAgents),
    sourceIPs: texts(r.sourceIPs),
  };
  if (r.lastSeenMs > r.firstSeenMs) out.lastAt = r.lastSeenMs;
  return out;
}

function staleRecord(context: string, u: StalePodUse): AuditRecord {
  const subject: Subject = { context, namespace: u.namespace, serviceAccount: u.serviceAccount };
  if (u.pod !== '') subject.pod = u.pod;
  if (u.podUid !== undefined) subject.podUid = u.podUid;
  const r: AuditRecord = { kind: 'audit', use: 'stale', subject, user: text(u.subject), ...rangeFields(u) };
  if (u.maxSecondsAfterWarning !== undefined) r.maxSecondsAfterWarning = u.maxSecondsAfterWarning;
  return r;
}

function legacyRecord(context: string, u: LegacyTokenUse): AuditRecord {
  return {
    kind: 'audit',
    use: 'legacy',
    subject: { context, namespace: u.namespace, serviceAccount: u.serviceAccount },
    user: text(u.subject),
    ...rangeFields(u),
  };
}

function unauthorizedRecord<P extends AddressPod>(context: string, c: UnauthorizedCaller, book: AddressBook<P>): AuditRecord {
  const subject: Subject = { context };
  const r: AuditRecord = { kind: 'audit', use: 'unauthorized', subject, sourceIP: text(c.sourceIP), userAgent: text(c.userAgent), ...rangeFields(c) };
  if (c.username !== undefined) r.user = text(c.username);
  const holder = tieCallers(book, [c])[0]?.holder;
  if (holder !== undefined) {
    subject.namespace = holder.namespace;
    subject.pod = holder.name;
    subject.podUid = holder.uid;
    if (holder.serviceAccount !== undefined) subject.serviceAccount = holder.serviceAccount;
    if (holder.pod === undefined) r.podDeleted = true;
  }
  return r;
}

/** The audit evidence of `context` as records, each 401 caller with the pod its address ties it to (if one does). */
export function auditRecordsOf<P extends AddressPod>(context: string, input: AuditFindingsInput, book: AddressBook<P>): AuditRecord[] {
  return [
    ...input.stalePods.map((u) => staleRecord(context, u)),
    ...input.legacyTokens.map((u) => legacyRecord(context, u)),
    ...input.unauthorized.map((c) => unauthorizedRecord(context, c, book)),
  ];
}

function lastSeenOf(r: AuditRecord | PodAddressRecord): number {
  return r.lastAt ?? r.at;
}

/** What history knows and what is seen now, as one: the widest range, the most requests, every distinct value. */
function mergedAudit(known: AuditRecord, seen: AuditRecord): AuditRecord {
  const at = Math.min(known.at, seen.at);
  const last = Math.max(lastSeenOf(known), lastSeenOf(seen));
  const out: AuditRecord = {
    ...seen,
    at,
    // The log read now may hold less than history (rotated away): what was counted once stays counted.
    requests: Math.max(known.requests, seen.requests),
    userAgents: texts([...known.userAgents, ...seen.userAgents]),
    sourceIPs: texts([...known.sourceIPs, ...seen.sourceIPs]),
  };
  if (last > at) out.lastAt = last;
  else delete out.lastAt;
  const seconds = Math.max(known.maxSecondsAfterWarning ?? -Infinity, seen.maxSecondsAfterWarning ?? -Infinity);
  if (Number.isFinite(seconds)) out.maxSecondsAfterWarning = seconds;
  // A caller not tied now keeps the pod it was tied to, unless it is tied to another now.
  if (seen.use === 'unauthorized' && seen.subject.pod === undefined && known.subject.pod !== undefined) {
    out.subject = { ...known.subject };
    if (known.podDeleted === true) out.podDeleted = true;
  }
  if (known.user !== undefined && seen.user === undefined) out.user = known.user;
  return out;
}

/** The records to append so history holds `seen`: only the uses that are new, or whose record would change. */
export function auditRecordsToWrite(known: readonly HistoryRecord[], seen: readonly AuditRecord[]): AuditRecord[] {
  const byKey = new Map<string, AuditRecord>();
  for (const r of known) if (r.kind === 'audit') byKey.set(recordKey(r) ?? '', r);
  const out: AuditRecord[] = [];
  for (const s of seen) {
    const had = byKey.get(recordKey(s) ?? '');
    const next = had === undefined ? s : mergedAudit(had, s);
    if (had === undefined || canonical(had) !== canonical(next)) out.push(next);
  }
  return out;
}

/** Pods seen with their addresses now, as history keeps them: a new pod or address once, a known one once a day. */
export function podAddressRecordsToWrite(
  context: string,
  pods: readonly AddressPod[],
  known: readonly HistoryRecord[],
  nowMs: number,
  refreshMs = ADDRESS_REFRESH_MS,
): PodAddressRecord[] {
  const byKey = new Map<string, PodAddressRecord>();
  for (const r of known) if (r.kind === 'podAddress') byKey.set(recordKey(r) ?? '', r);
  const out: PodAddressRecord[] = [];
  for (const p of pods) {
    for (const ip of new Set(p.podIPs ?? [])) {
      if (ip === '') continue;
      const subject: Subject = { context, namespace: p.namespace, pod: p.name, podUid: p.uid };
      if (p.serviceAccount !== '') subject.serviceAccount = p.serviceAccount;
      const since = Math.min(p.startedAtMs ?? nowMs, nowMs);
      const record: PodAddressRecord = { kind: 'podAddress', at: since, subject, ip: text(ip) };
      if (nowMs > since) record.lastAt = nowMs;
      const had = byKey.get(recordKey(record) ?? '');
      if (had !== undefined && nowMs - lastSeenOf(had) < refreshMs) continue;
      out.push(record);
    }
  }
  return out;
}

/** The pods history saw holding an address, for the audit rules (diagnosis/auditSources.ts). */
export function podAddressesOf(records: readonly HistoryRecord[], context: string): PodAddressEvidence[] {
  const out: PodAddressEvidence[] = [];
  for (const r of records) {
    if (r.kind !== 'podAddress' || r.subject.context !== context) continue;
    const { namespace, pod, podUid, serviceAccount } = r.subject;
    if (namespace === undefined || pod === undefined || podUid === undefined) continue;
    const a: PodAddressEvidence = { namespace, name: pod, uid: podUid, ip: r.ip, sinceMs: r.at, lastSeenMs: lastSeenOf(r) };
    if (serviceAccount !== undefined) a.serviceAccount = serviceAccount;
    out.push(a);
  }
  return out;
}

function rangeOf(r: AuditRecord): SeenRange {
  return { firstSeenMs: r.at, lastSeenMs: lastSeenOf(r), requests: r.requests, userAgents: [...r.userAgents], sourceIPs: [...r.sourceIPs] };
}

/** The audit records of `context`, one per use: the history folds them, and a later one of a use stands for it anyway. */
function latestUses(records: readonly HistoryRecord[], context: string): AuditRecord[] {
  const uses = new Map<string, AuditRecord>();
  for (const r of records) if (r.kind === 'audit' && r.subject.context === context) uses.set(recordKey(r) ?? '', r);
  return [...uses.values()];
}

/**
 * The audit evidence history kept for `context`, as the rules read it: what the findings say until the audit log is
 * read again. Undefined when history holds none.
 */
export function auditInputOf(records: readonly HistoryRecord[], context: string): AuditFindingsInput | undefined {
  const input: AuditFindingsInput = { stalePods: [], legacyTokens: [], unauthorized: [] };
  const uses = latestUses(records, context);
  if (uses.length === 0) return undefined;
  for (const r of uses) {
    const s = r.subject;
    if (r.use === 'stale') {
      const use: StalePodUse = { ...rangeOf(r), namespace: s.namespace ?? '', pod: s.pod ?? '', serviceAccount: s.serviceAccount ?? '', subject: r.user ?? '' };
      if (s.podUid !== undefined) use.podUid = s.podUid;
      if (r.maxSecondsAfterWarning !== undefined) use.maxSecondsAfterWarning = r.maxSecondsAfterWarning;
      input.stalePods.push(use);
    } else if (r.use === 'legacy') {
      input.legacyTokens.push({ ...rangeOf(r), namespace: s.namespace ?? '', serviceAccount: s.serviceAccount ?? '', subject: r.user ?? '' });
    } else {
      const caller: UnauthorizedCaller = { ...rangeOf(r), sourceIP: r.sourceIP ?? '', userAgent: r.userAgent ?? '' };
      if (r.user !== undefined) caller.username = r.user;
      input.unauthorized.push(caller);
    }
  }
  input.stalePods.sort((a, b) => `${a.namespace}/${a.pod}/${a.subject}`.localeCompare(`${b.namespace}/${b.pod}/${b.subject}`));
  input.legacyTokens.sort((a, b) => a.subject.localeCompare(b.subject));
  input.unauthorized.sort((a, b) => b.requests - a.requests || a.sourceIP.localeCompare(b.sourceIP));
  return input;
}

function spanOf(c: UnauthorizedCaller, subject: Subject, podDeleted: boolean): AuditUnauthorizedSpan {
  const span: AuditUnauthorizedSpan = {
    subject,
    firstSeenMs: c.firstSeenMs,
    lastSeenMs: c.lastSeenMs,
    requests: c.requests,
    sourceIP: c.sourceIP,
    userAgent: c.userAgent,
  };
  if (podDeleted) span.podDeleted = true;
  return span;
}

/**
 * The audit 401s of `context` a pod's timeline shows: the callers tied to a pod. From `live` (the audit log read now,
 * tied through `book`: the pods listed now and those history saw) when given; else from what history kept, each with
 * the pod it was tied to when written.
 */
export function auditSpansOf<P extends AddressPod>(
  records: readonly HistoryRecord[],
  context: string,
  live?: { input: AuditFindingsInput; book: AddressBook<P> },
): AuditUnauthorizedSpan[] {
  if (live !== undefined) {
    return tieCallers(live.book, live.input.unauthorized).flatMap(({ caller, holder }) => {
      if (holder === undefined) return [];
      const subject: Subject = { context, namespace: holder.namespace, pod: holder.name, podUid: holder.uid };
      if (holder.serviceAccount !== undefined) subject.serviceAccount = holder.serviceAccount;
      return [spanOf(caller, subject, holder.pod === undefined)];
    });
  }
  return latestUses(records, context).flatMap((r) => {
    if (r.use !== 'unauthorized' || r.subject.pod === undefined) return [];
    const caller: UnauthorizedCaller = { ...rangeOf(r), sourceIP: r.sourceIP ?? '', userAgent: r.userAgent ?? '' };
    return [spanOf(caller, { ...r.subject }, r.podDeleted === true)];
  });
}
