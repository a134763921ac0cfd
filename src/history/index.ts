// Observations over time: token fingerprints and claims, and 401 events, kept on disk.
export type { HistoryFilter, HistoryOpened, HistoryOptions, HistoryRecord, Subject, TokenObservation, UnauthorizedEvent } from './types';
export { HistoryStore } from './historyStore';
