// The 401 line scanner: patterns, scanning of whole texts and streams, masking of secrets.
export type { CompiledPatterns, LogMatch, LogPattern, ScanOptions } from './types';
export { DEFAULT_PATTERNS, compilePatterns } from './patterns';
export { scanText, StreamScanner } from './scan';
export { maskCapped, maskSecrets } from './maskSecrets';
export { leadingTimestamp } from './timestamp';
