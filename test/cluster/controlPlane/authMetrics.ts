// The authentication counters of `GET /metrics`, in the exposition format and the words of
// metrics-authentication.txt (recorded from kube-apiserver v1.28.7): families sorted by name,
// series by label value, the HELP and TYPE lines as the server wrote them.

import type { TokenUseCounts } from '../tokenIssuer';

/** Which result the apiserver counts an authentication under. */
export type AttemptResult = 'success' | 'failure' | 'error';

interface Family {
  name: string;
  help: string;
  /** label name, or none for a single unlabelled series */
  label?: string;
  series: Map<string, number>;
}

/** The apiserver's compressUsername: a few known names kept, e-mail addresses folded, the rest "other". */
export function compressUsername(username: string): string {
  if (['admin', 'client', 'kube_proxy', 'kubelet', 'system:serviceaccount:kube-system:default'].includes(username)) return username;
  return username.includes('@') ? 'email_id' : 'other';
}

export class AuthMetrics {
  private readonly attempts = new Map<string, number>();
  private readonly users = new Map<string, number>();

  /** `tokens`: the issuer's stale, legacy and valid counts, read at each scrape. */
  constructor(private readonly tokens: TokenUseCounts) {}

  /** One request through authentication; `username` when it succeeded. */
  attempt(result: AttemptResult, username?: string): void {
    this.attempts.set(result, (this.attempts.get(result) ?? 0) + 1);
    if (result === 'success' && username !== undefined) {
      const key = compressUsername(username);
      this.users.set(key, (this.users.get(key) ?? 0) + 1);
    }
  }

  /** The body of `GET /metrics`. */
  text(): string {
    const families: Family[] = [
      { name: 'authenticated_user_requests', help: '[ALPHA] Counter of authenticated requests broken out by username.', label: 'username', series: this.users },
      { name: 'authentication_attempts', help: '[ALPHA] Counter of authenticated attempts.', label: 'result', series: this.attempts },
      {
        name: 'serviceaccount_legacy_tokens_total',
        help: '[ALPHA] Cumulative legacy service account tokens used',
        series: new Map([['', this.tokens.legacy]]),
      },
      {
        name: 'serviceaccount_stale_tokens_total',
        help: '[ALPHA] Cumulative stale projected service account tokens used',
        series: new Map([['', this.tokens.stale]]),
      },
      {
        name: 'serviceaccount_valid_tokens_total',
        help: '[ALPHA] Cumulative valid projected service account tokens used',
        series: new Map([['', this.tokens.valid]]),
      },
    ];
    const lines: string[] = [];
    for (const f of families) {
      // Like client_golang, a labelled family with no series yet is not shown at all.
      if (f.series.size === 0) continue;
      lines.push(`# HELP ${f.name} ${f.help}`, `# TYPE ${f.name} counter`);
      for (const [value, count] of [...f.series].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
        lines.push(f.label === undefined ? `${f.name} ${count}` : `${f.name}{${f.label}=${JSON.stringify(value)}} ${count}`);
      }
    }
    return `${lines.join('\n')}\n`;
  }
}
