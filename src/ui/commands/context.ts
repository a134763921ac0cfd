// The state the commands share for the window's lifetime.
import type { DecodedDocuments } from '../decodeCommand';
import type { Services } from '../services';
import { ProbeFindings } from './probeRecord';
import { TokenVault } from './tokenVault';

export interface CommandContext {
  services: Services;
  /** Read-only `cluster-credentials:` documents (Request Token's decoded token). */
  documents: DecodedDocuments;
  vault: TokenVault;
  probes: ProbeFindings;
}

export function createCommandContext(services: Services, documents: DecodedDocuments): CommandContext {
  return { services, documents, vault: new TokenVault(), probes: new ProbeFindings() };
}
