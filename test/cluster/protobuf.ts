// Request bodies in Kubernetes protobuf (`application/vnd.kubernetes.protobuf`), which kubectl's
// typed clients send for `create token`, `auth whoami` and `auth can-i`. Only the messages
// those commands send are known; answers always go back as JSON, which kubectl also accepts.

import { failure, type ApiError } from './status';

export const PROTOBUF_CONTENT_TYPE = 'application/vnd.kubernetes.protobuf';
const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

interface Field {
  no: number;
  wire: number;
  value: bigint | Buffer;
}

function readVarint(b: Buffer, at: number): [bigint, number] {
  let result = 0n;
  let shift = 0n;
  let i = at;
  for (;;) {
    const byte = b[i];
    if (byte === undefined) throw new Error('truncated varint');
    i++;
    result |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return [result, i];
    shift += 7n;
    if (shift > 63n) throw new Error('varint too long');
  }
}

function readFields(b: Buffer): Field[] {
  const out: Field[] = [];
  let i = 0;
  while (i < b.length) {
    const [key, next] = readVarint(b, i);
    i = next;
    const no = Number(key >> 3n);
    const wire = Number(key & 7n);
    if (wire === 0) {
      const [v, n] = readVarint(b, i);
      out.push({ no, wire, value: v });
      i = n;
    } else if (wire === 2) {
      const [len, n] = readVarint(b, i);
      const end = n + Number(len);
      if (end > b.length) throw new Error('truncated field');
      out.push({ no, wire, value: b.subarray(n, end) });
      i = end;
    } else if (wire === 1) {
      i += 8;
    } else if (wire === 5) {
      i += 4;
    } else throw new Error(`unsupported wire type ${wire}`);
  }
  return out;
}

/** A message schema: field number → [json name, type]. */
type Schema = Record<number, [string, 'string' | 'strings' | 'int' | Schema]>;

function decode(b: Buffer, schema: Schema): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of readFields(b)) {
    const entry = schema[f.no];
    if (entry === undefined) continue;
    const [name, type] = entry;
    if (type === 'int' && typeof f.value === 'bigint') out[name] = Number(f.value);
    else if (Buffer.isBuffer(f.value)) {
      if (type === 'string') {
        const s = f.value.toString('utf8');
        if (s !== '') out[name] = s;
      } else if (type === 'strings') {
        const list = (out[name] as string[] | undefined) ?? [];
        list.push(f.value.toString('utf8'));
        out[name] = list;
      } else if (typeof type === 'object') {
        const inner = decode(f.value, type);
        if (Object.keys(inner).length > 0) out[name] = inner;
      }
    }
  }
  return out;
}

const OBJECT_META: Schema = { 1: ['name', 'string'], 2: ['generateName', 'string'], 3: ['namespace', 'string'] };

const SPECS: Record<string, Schema> = {
  TokenRequest: {
    1: ['audiences', 'strings'],
    3: ['boundObjectRef', { 1: ['kind', 'string'], 2: ['apiVersion', 'string'], 3: ['name', 'string'], 4: ['uid', 'string'] }],
    4: ['expirationSeconds', 'int'],
  },
  TokenReview: { 1: ['token', 'string'], 2: ['audiences', 'strings'] },
  SelfSubjectReview: {},
  SelfSubjectAccessReview: {
    1: [
      'resourceAttributes',
      {
        1: ['namespace', 'string'],
        2: ['verb', 'string'],
        3: ['group', 'string'],
        4: ['version', 'string'],
        5: ['resource', 'string'],
        6: ['subresource', 'string'],
        7: ['name', 'string'],
      },
    ],
    2: ['nonResourceAttributes', { 1: ['path', 'string'], 2: ['verb', 'string'] }],
  },
  SelfSubjectRulesReview: { 1: ['namespace', 'string'] },
};

/** The JSON form of a protobuf request body, for the kinds kubectl sends that way. */
export function decodeProtobufObject(body: Buffer): Record<string, unknown> | ApiError {
  const unsupported = failure(415, 'UnsupportedMediaType', '415: Unsupported Media Type', {});
  if (body.length < 4 || !body.subarray(0, 4).equals(MAGIC)) return unsupported;
  try {
    const envelope = decode(body.subarray(4), { 1: ['typeMeta', { 1: ['apiVersion', 'string'], 2: ['kind', 'string'] }] });
    const typeMeta = (envelope.typeMeta ?? {}) as { apiVersion?: string; kind?: string };
    const raw = readFields(body.subarray(4)).find((f) => f.no === 2)?.value;
    const kind = typeMeta.kind ?? '';
    const spec = SPECS[kind];
    if (spec === undefined || !Buffer.isBuffer(raw)) return unsupported;
    const message = decode(raw, { 1: ['metadata', OBJECT_META], 2: ['spec', spec] });
    return { apiVersion: typeMeta.apiVersion, kind, metadata: message.metadata ?? {}, spec: message.spec ?? {} };
  } catch (e) {
    return failure(400, 'BadRequest', `unable to decode protobuf body: ${(e as Error).message}`);
  }
}
