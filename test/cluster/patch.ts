// PATCH bodies: JSON merge patch (RFC 7386), strategic merge patch (lists merged on their
// merge keys, `$patch` directives) and JSON patch (RFC 6902).

import { cloneJson } from './json';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type JsonObject = { [k: string]: Json };

export type PatchResult = { ok: true; value: JsonObject } | { ok: false; message: string };

export const PATCH_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
  'application/apply-patch+yaml',
] as const;

function isObject(v: Json | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function mergePatch(target: Json | undefined, patch: Json): Json {
  if (!isObject(patch)) return patch;
  const out: JsonObject = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

/** Merge keys of the lists the cluster's kinds carry, by field name. */
const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  volumes: 'name',
  env: 'name',
  volumeMounts: 'mountPath',
  ports: 'containerPort',
  imagePullSecrets: 'name',
  ownerReferences: 'uid',
  conditions: 'type',
  hostAliases: 'ip',
  secrets: 'name',
  subjects: 'name',
};

function strategicList(field: string, target: Json[] | undefined, patch: Json[]): Json[] {
  const key = MERGE_KEYS[field];
  if (key === undefined || !patch.every(isObject)) return patch;
  const out: Json[] = [...(target ?? [])];
  for (const el of patch) {
    if (!isObject(el)) continue;
    const id = el[key];
    const idx = out.findIndex((t) => isObject(t) && t[key] === id);
    if (el.$patch === 'delete') {
      if (idx >= 0) out.splice(idx, 1);
      continue;
    }
    if (idx >= 0) out[idx] = strategicMerge(out[idx], el);
    else out.push(strategicMerge(undefined, el));
  }
  return out;
}

export function strategicMerge(target: Json | undefined, patch: Json): Json {
  if (!isObject(patch)) return patch;
  if (patch.$patch === 'replace') {
    const { $patch: _ignored, ...rest } = patch;
    return rest;
  }
  const out: JsonObject = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (k === '$patch' || k === '$retainKeys' || k.startsWith('$setElementOrder/')) continue;
    if (k.startsWith('$deleteFromPrimitiveList/')) {
      const field = k.slice('$deleteFromPrimitiveList/'.length);
      const current = out[field];
      if (Array.isArray(current) && Array.isArray(v)) out[field] = current.filter((x) => !v.includes(x));
      continue;
    }
    if (v === null) delete out[k];
    else if (Array.isArray(v)) out[k] = strategicList(k, Array.isArray(out[k]) ? out[k] : undefined, v);
    else out[k] = strategicMerge(out[k], v);
  }
  return out;
}

function unescapePointer(s: string): string {
  return s.replace(/~1/g, '/').replace(/~0/g, '~');
}

function parsePointer(path: string): string[] | undefined {
  if (path === '') return [];
  if (!path.startsWith('/')) return undefined;
  return path.slice(1).split('/').map(unescapePointer);
}

function getAt(doc: Json, parts: string[]): Json | undefined {
  let cur: Json | undefined = doc;
  for (const p of parts) {
    if (Array.isArray(cur)) cur = cur[Number(p)];
    else if (isObject(cur)) cur = cur[p];
    else return undefined;
  }
  return cur;
}

/** Applies one operation in place on a parent container; returns an error sentence on failure. */
function setAt(doc: JsonObject, parts: string[], value: Json | undefined, mode: 'add' | 'replace' | 'remove'): string | undefined {
  if (parts.length === 0) return 'cannot replace the root with a JSON patch here';
  const parent = getAt(doc, parts.slice(0, -1));
  const last = parts[parts.length - 1] ?? '';
  if (Array.isArray(parent)) {
    const idx = last === '-' ? parent.length : Number(last);
    if (!Number.isInteger(idx) || idx < 0 || idx > parent.length) return `unable to access invalid index: ${last}`;
    if (mode === 'add' && value !== undefined) parent.splice(idx, 0, value);
    else if (idx >= parent.length) return `unable to access invalid index: ${last}`;
    else if (mode === 'replace' && value !== undefined) parent[idx] = value;
    else parent.splice(idx, 1);
    return undefined;
  }
  if (!isObject(parent)) return `doc is missing path: "/${parts.join('/')}"`;
  if (mode !== 'add' && !(last in parent)) return `unable to ${mode} nonexistent key: ${last}: missing value`;
  if (mode === 'remove') delete parent[last];
  else if (value !== undefined) parent[last] = value;
  return undefined;
}

export function jsonPatch(target: JsonObject, ops: Json): PatchResult {
  if (!Array.isArray(ops)) return { ok: false, message: 'json: cannot unmarshal object into Go value of type jsonpatch.Patch' };
  const doc = cloneJson(target);
  for (const op of ops) {
    if (!isObject(op) || typeof op.op !== 'string' || typeof op.path !== 'string') return { ok: false, message: 'invalid JSON patch operation' };
    const parts = parsePointer(op.path);
    if (parts === undefined) return { ok: false, message: `invalid JSON pointer: ${op.path}` };
    let err: string | undefined;
    switch (op.op) {
      case 'add':
      case 'replace':
        err = setAt(doc, parts, op.value ?? null, op.op);
        break;
      case 'remove':
        err = setAt(doc, parts, undefined, 'remove');
        break;
      case 'test':
        if (JSON.stringify(getAt(doc, parts)) !== JSON.stringify(op.value)) err = `testing value ${op.path} failed`;
        break;
      case 'move':
      case 'copy': {
        const from = typeof op.from === 'string' ? parsePointer(op.from) : undefined;
        if (from === undefined) return { ok: false, message: `invalid from pointer in ${op.op}` };
        const v = getAt(doc, from);
        if (v === undefined) return { ok: false, message: `doc is missing from path: ${typeof op.from === 'string' ? op.from : JSON.stringify(op.from)}` };
        if (op.op === 'move') err = setAt(doc, from, undefined, 'remove');
        if (err === undefined) err = setAt(doc, parts, cloneJson(v), 'add');
        break;
      }
      default:
        err = `Unexpected kind: ${op.op}`;
    }
    if (err !== undefined) return { ok: false, message: err };
  }
  return { ok: true, value: doc };
}

/** Apply a PATCH body of the given content type to `target`. */
export function applyPatch(contentType: string, target: JsonObject, patch: Json): PatchResult {
  if (contentType === 'application/json-patch+json') return jsonPatch(target, patch);
  if (!isObject(patch)) return { ok: false, message: 'patch body must be a JSON object' };
  const merged = contentType === 'application/merge-patch+json' ? mergePatch(target, patch) : strategicMerge(target, patch);
  return isObject(merged) ? { ok: true, value: merged } : { ok: false, message: 'patch did not produce an object' };
}

export type { Json, JsonObject };
