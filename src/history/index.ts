// Observations over time: token fingerprints and claims, and 401 events, kept on disk.
export type {
  AuditRecord,
  AuditUseKind,
  HistoryFilter,
  HistoryOpened,
  HistoryOptions,
  HistoryRecord,
  PodAddressRecord,
  Subject,
  TokenObservation,
  UnauthorizedEvent,
} from './types';
export { HistoryStore } from './historyStore';
