import type { CredentialState } from '../token/types';

/** How bad a finding is; mapped to Problems severities and theme colours by the UI. */
export type Severity = 'error' | 'warning' | 'info';

/** The severity a credential's state deserves wherever it is found; `undefined` means nothing to report. */
export function severityOfState(state: CredentialState): Severity | undefined {
  switch (state) {
    case 'expired':
      return 'error';
    case 'expiring':
    case 'stale':
    case 'notYetValid':
      return 'warning';
    case 'noExpiry':
      return 'info';
    case 'valid':
      return undefined;
  }
}
