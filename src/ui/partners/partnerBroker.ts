// The Kubernetes extension's API broker (vscode-kubernetes-tools-api's APIBroker): what an activated Kubernetes
// Tools exports, one API of it by component and version, and why one is unavailable. Never throws.
import type * as vscode from 'vscode';
import type { APIBroker } from 'vscode-kubernetes-tools-api';
import { errorMessage } from '../../shared/values';

export function asBroker(exported: unknown): APIBroker | undefined {
  if (typeof exported !== 'object' || exported === null) return undefined;
  const get: unknown = (exported as { get?: unknown }).get;
  return typeof get === 'function' ? (exported as APIBroker) : undefined;
}

/** One API of the broker, or why not (the reasons are the package's: version-unknown, version-removed...). */
export function apiOf<T>(broker: APIBroker, component: string, version: string): { api?: T; why: string } {
  try {
    const answer: unknown = broker.get(component, version);
    if (typeof answer === 'object' && answer !== null && (answer as { available?: unknown }).available === true) {
      return { api: (answer as { api: T }).api, why: '' };
    }
    const reason = typeof answer === 'object' && answer !== null ? (answer as { reason?: unknown }).reason : undefined;
    return { why: `${component} ${version}: ${typeof reason === 'string' ? reason : 'unavailable'}` };
  } catch (err) {
    return { why: `${component} ${version}: ${errorMessage(err)}` };
  }
}

export function versionOf(ext: vscode.Extension<unknown>): string {
  const v = (ext.packageJSON as { version?: unknown } | undefined)?.version;
  return typeof v === 'string' ? v : 'unknown version';
}
