// Small value helpers every layer repeated: reading unknown JSON, a Kubernetes time, a caught error.
// No vscode, no Node built-ins: the webview bundle compiles this file too.

/** A plain object (not null, not an array): what JSON.parse or a YAML document gives for `{...}`. */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A Kubernetes timestamp (a Date from client-node, or RFC 3339 text) in epoch milliseconds; undefined when absent or unreadable. */
export function timeOf(v: Date | string | undefined | null): number | undefined {
  if (v === undefined || v === null) return undefined;
  const t = v instanceof Date ? v.getTime() : Date.parse(v);
  return Number.isNaN(t) ? undefined : t;
}

/** The message of anything thrown: `catch` gives `unknown`, and not every library throws an Error. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** JSON with sorted keys: two values that say the same compare equal, however they were built. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'undefined';
}
