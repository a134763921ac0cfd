// Container logs with the query semantics of `GET pods/log`: tailLines, sinceSeconds/sinceTime,
// timestamps, limitBytes, previous and follow, in the order kubelet applies them.
import type { Clock } from './clock';
import { HeldRequests } from './heldRequests';

export interface LogQuery {
  tailLines?: number;
  sinceSeconds?: number;
  sinceTime?: string;
  timestamps?: boolean;
  limitBytes?: number;
  previous?: boolean;
}
export type LogFailure = { ok: false; code: number; reason: string; message: string };
export type LogReadResult = { ok: true; text: string } | LogFailure;

interface LogLine {
  atMs: number;
  text: string;
}
interface Instance {
  lines: LogLine[];
  followers: Set<Follower>;
  terminated: boolean;
  generated?: GeneratedLog;
}

/**
 * A log made line by line when read, for a container whose log is too big to hold (a 200 MB log is
 * never one string): `line(i)` makes line i (0-based) of `lineCount`, its time never before the
 * previous line's. Lines appended to the container follow it.
 */
export interface GeneratedLog {
  readonly lineCount: number;
  line(index: number): LogLine;
}

/** What a generated read hands the route at a time: big enough to be cheap, small enough to stream. */
const GENERATED_CHUNK_CHARS = 64 * 1024;
interface Follower {
  onLine(line: LogLine): void;
  onEnd(): void;
}

export class ContainerLogs {
  private current: Instance = newInstance();
  private previous: Instance | undefined;
  private held: HeldRequests | undefined;

  /** names appear in error messages, as kubelet words them. */
  constructor(
    private readonly clock: Clock,
    private readonly names: { pod: string; container: string } = { pod: '', container: '' },
  ) {}

  append(line: string, atMs: number = this.clock.nowMs()): void {
    const body = line.endsWith('\n') ? line.slice(0, -1) : line;
    for (const text of body.split('\n')) {
      const entry = { atMs, text };
      this.current.lines.push(entry);
      for (const f of [...this.current.followers]) f.onLine(entry);
    }
  }

  /** Forget what the current instance wrote, for a scenario that rewrites a container's past. */
  clear(): void {
    this.current.lines = [];
    delete this.current.generated;
  }

  /** The current instance's past becomes `log`, made on demand; what was appended before is dropped. */
  generate(log: GeneratedLog): void {
    this.current.lines = [];
    this.current.generated = log;
  }

  /** Whether the current instance's log is generated (the route then streams it rather than build one string). */
  isGenerated(): boolean {
    return this.current.generated !== undefined;
  }

  /**
   * From now on, every request for this container's log is accepted and never answered, as when the
   * kubelet behind the apiserver hangs; the returned tracker counts them.
   */
  neverAnswer(): HeldRequests {
    this.held ??= new HeldRequests();
    return this.held;
  }

  /** The tracker of held requests, once neverAnswer was called. */
  heldRequests(): HeldRequests | undefined {
    return this.held;
  }

  /** The container restarted: the current instance becomes the previous one, followers end. */
  restart(): void {
    const ended = this.current;
    ended.terminated = true;
    this.previous = ended;
    this.current = newInstance();
    for (const f of [...ended.followers]) f.onEnd();
    ended.followers.clear();
  }

  /** Streams following the current instance now, for tests that write only once one is listening. */
  followerCount(): number {
    return this.current.followers.size;
  }

  hasPrevious(): boolean {
    return this.previous !== undefined;
  }

  read(q: LogQuery): LogReadResult {
    const picked = this.pick(q);
    if (!picked.ok) return picked;
    const since = this.sinceMs(q);
    if (picked.instance.generated !== undefined) return { ok: true, text: [...generatedChunks(picked.instance, picked.instance.generated, q, since)].join('') };
    const text = selectLines(picked.instance.lines, q.tailLines, since)
      .map((l) => formatLine(l, q.timestamps === true))
      .join('');
    return { ok: true, text: q.limitBytes === undefined ? text : cutBytes(text, q.limitBytes) };
  }

  /**
   * Streams the matching lines, then new ones as they are appended. It ends (onEnd) when the
   * followed instance terminates, when limitBytes is used up, or at once for `previous`.
   * Returns the way to stop following; validation errors come back through onError.
   */
  follow(q: LogQuery, onText: (text: string) => void, onEnd: () => void = () => undefined, onError: (e: LogFailure) => void = () => undefined): () => void {
    const picked = this.pick(q);
    if (!picked.ok) {
      onError(picked);
      return () => undefined;
    }
    const instance = picked.instance;
    const since = this.sinceMs(q);
    let budget = q.limitBytes ?? Number.POSITIVE_INFINITY;
    let ended = false;
    const follower: Follower = {
      onLine: (line) => {
        if (since === undefined || line.atMs >= since) emit(formatLine(line, q.timestamps === true));
      },
      onEnd: () => finish(),
    };
    const finish = (): void => {
      if (ended) return;
      ended = true;
      instance.followers.delete(follower);
      onEnd();
    };
    const emit = (text: string): void => {
      if (ended || text === '') return;
      const size = Buffer.byteLength(text);
      if (size >= budget) {
        onText(cutBytes(text, budget));
        budget = 0;
        finish();
        return;
      }
      budget -= size;
      onText(text);
    };
    const generated = instance.generated;
    if (generated === undefined)
      emit(
        selectLines(instance.lines, q.tailLines, since)
          .map((l) => formatLine(l, q.timestamps === true))
          .join(''),
      );
    else for (const chunk of generatedChunks(instance, generated, q, since)) emit(chunk);
    if (!ended) {
      if (instance.terminated) finish();
      else instance.followers.add(follower);
    }
    return () => {
      if (ended) return;
      ended = true;
      instance.followers.delete(follower);
    };
  }

  /**
   * The text `read` would return, in chunks made as they are taken, for a generated log (a stored
   * log comes as one chunk). The caller writes each before taking the next, so memory stays small.
   */
  readChunks(q: LogQuery): { ok: true; chunks: Iterable<string> } | LogFailure {
    const picked = this.pick(q);
    if (!picked.ok) return picked;
    const generated = picked.instance.generated;
    if (generated === undefined) {
      const read = this.read(q);
      return read.ok ? { ok: true, chunks: [read.text] } : read;
    }
    return { ok: true, chunks: generatedChunks(picked.instance, generated, q, this.sinceMs(q)) };
  }

  private pick(q: LogQuery): { ok: true; instance: Instance } | LogFailure {
    const invalid = validateLogQuery(q, this.names.pod);
    if (invalid !== undefined) return invalid;
    if (q.previous !== true) return { ok: true, instance: this.current };
    if (this.previous === undefined) {
      return {
        ok: false,
        code: 400,
        reason: 'BadRequest',
        message: `previous terminated container "${this.names.container}" in pod "${this.names.pod}" not found`,
      };
    }
    return { ok: true, instance: this.previous };
  }

  private sinceMs(q: LogQuery): number | undefined {
    if (q.sinceSeconds !== undefined) return this.clock.nowMs() - q.sinceSeconds * 1000;
    if (q.sinceTime !== undefined) return Date.parse(q.sinceTime);
    return undefined;
  }
}

/** All containers of all pods, created on first use. */
export class PodLogs {
  private readonly byKey = new Map<string, ContainerLogs>();

  constructor(private readonly clock: Clock) {}

  container(namespace: string, pod: string, container: string): ContainerLogs {
    const key = `${namespace}/${pod}/${container}`;
    let logs = this.byKey.get(key);
    if (logs === undefined) {
      logs = new ContainerLogs(this.clock, { pod, container });
      this.byKey.set(key, logs);
    }
    return logs;
  }

  has(namespace: string, pod: string, container: string): boolean {
    return this.byKey.has(`${namespace}/${pod}/${container}`);
  }

  /** A deleted pod takes its logs with it. */
  forget(namespace: string, pod: string): void {
    const prefix = `${namespace}/${pod}/`;
    for (const key of [...this.byKey.keys()]) {
      if (key.startsWith(prefix)) this.byKey.delete(key);
    }
  }
}

/** kube-apiserver's PodLogOptions validation: a 422 Invalid, worded as the apiserver words it. */
export function validateLogQuery(q: LogQuery, podName: string): LogFailure | undefined {
  const errs: string[] = [];
  if (q.tailLines !== undefined && q.tailLines < 0) errs.push(`tailLines: Invalid value: ${q.tailLines}: must be greater than or equal to 0`);
  if (q.limitBytes !== undefined && q.limitBytes < 1) errs.push(`limitBytes: Invalid value: ${q.limitBytes}: must be greater than 0`);
  if (q.sinceSeconds !== undefined && q.sinceTime !== undefined) {
    errs.push('<nil>: Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified');
  } else if (q.sinceSeconds !== undefined && q.sinceSeconds < 1) {
    errs.push(`sinceSeconds: Invalid value: ${q.sinceSeconds}: must be greater than 0`);
  }
  if (errs.length === 0 && q.sinceTime !== undefined && !RFC3339.test(q.sinceTime)) {
    // Decoding the query fails before validation runs, hence 400 rather than 422.
    const t = q.sinceTime;
    return { ok: false, code: 400, reason: 'BadRequest', message: `parsing time "${t}" as "2006-01-02T15:04:05Z07:00": cannot parse "${t}" as "2006"` };
  }
  if (errs.length === 0) return undefined;
  const list = errs.length === 1 ? errs[0] : `[${errs.join(', ')}]`;
  return { ok: false, code: 422, reason: 'Invalid', message: `PodLogOptions "${podName}" is invalid: ${list}` };
}

/** The query parameters of `GET /api/v1/namespaces/NS/pods/NAME/log`. */
export function logQueryFromUrl(url: URL): LogQuery & { follow: boolean; container?: string } {
  const p = url.searchParams;
  const int = (name: string): number | undefined => {
    const v = p.get(name);
    if (v === null || v === '') return undefined;
    const n = Number(v);
    return Number.isInteger(n) ? n : undefined;
  };
  const q: LogQuery & { follow: boolean; container?: string } = {
    follow: goBool(p.get('follow')),
    previous: goBool(p.get('previous')),
    timestamps: goBool(p.get('timestamps')),
  };
  const container = p.get('container');
  if (container !== null && container !== '') q.container = container;
  const tailLines = int('tailLines');
  if (tailLines !== undefined) q.tailLines = tailLines;
  const sinceSeconds = int('sinceSeconds');
  if (sinceSeconds !== undefined) q.sinceSeconds = sinceSeconds;
  const limitBytes = int('limitBytes');
  if (limitBytes !== undefined) q.limitBytes = limitBytes;
  const sinceTime = p.get('sinceTime');
  if (sinceTime !== null && sinceTime !== '') q.sinceTime = sinceTime;
  return q;
}

/** strconv.ParseBool's true spellings. */
export function goBool(v: string | null): boolean {
  return v !== null && ['1', 't', 'T', 'true', 'TRUE', 'True'].includes(v);
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function newInstance(): Instance {
  return { lines: [], followers: new Set(), terminated: false };
}

/** Tail first (kubelet seeks back N lines in the file), then the since filter while reading. */
function selectLines(lines: LogLine[], tailLines: number | undefined, sinceMs: number | undefined): LogLine[] {
  const tailed = tailLines === undefined ? lines : tailLines === 0 ? [] : lines.slice(-tailLines);
  return sinceMs === undefined ? tailed : tailed.filter((l) => l.atMs >= sinceMs);
}

/**
 * The lines of a generated instance (its generated past, then what was appended) that a query
 * selects, formatted, in chunks: tail by index, since by a binary search on the times, limitBytes
 * by stopping once it is used up. Only the lines sent are ever made.
 */
function* generatedChunks(instance: Instance, generated: GeneratedLog, q: LogQuery, sinceMs: number | undefined): Generator<string> {
  const count = generated.lineCount + instance.lines.length;
  const at = (i: number): LogLine => (i < generated.lineCount ? generated.line(i) : (instance.lines[i - generated.lineCount] ?? { atMs: 0, text: '' }));
  let first = q.tailLines === undefined ? 0 : Math.max(0, count - q.tailLines);
  if (sinceMs !== undefined) {
    let hi = count;
    while (first < hi) {
      const mid = Math.floor((first + hi) / 2);
      if (at(mid).atMs >= sinceMs) hi = mid;
      else first = mid + 1;
    }
  }
  let budget = q.limitBytes ?? Number.POSITIVE_INFINITY;
  let chunk = '';
  for (let i = first; i < count && budget > 0; i++) {
    const line = formatLine(at(i), q.timestamps === true);
    const size = Buffer.byteLength(line);
    chunk += size > budget ? cutBytes(line, budget) : line;
    budget -= size;
    if (chunk.length >= GENERATED_CHUNK_CHARS) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk !== '') yield chunk;
}

function formatLine(line: LogLine, timestamps: boolean): string {
  return `${timestamps ? `${rfc3339NanoFixed(line.atMs)} ` : ''}${line.text}\n`;
}

/** kubelet's RFC3339NanoFixed: always nine fractional digits. */
export function rfc3339NanoFixed(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 19)}.${iso.slice(20, 23)}000000Z`;
}

function cutBytes(text: string, limit: number): string {
  const bytes = Buffer.from(text, 'utf8');
  return bytes.length <= limit ? text : bytes.subarray(0, limit).toString('utf8');
}
