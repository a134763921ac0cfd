// Small HTTP helpers: read a bounded body, parse JSON as the apiserver words its errors,
// and write JSON or Status answers.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { decodeProtobufObject, PROTOBUF_CONTENT_TYPE } from './protobuf';
import { badRequest, failure, type ApiError, type StatusBody } from './status';

const MAX_BODY_BYTES = 3 * 1024 * 1024;

export function readBody(req: IncomingMessage): Promise<Buffer | ApiError> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(c);
    });
    req.on('end', () => resolve(tooLarge ? failure(413, 'RequestEntityTooLarge', 'Request entity too large: limit is 3145728') : Buffer.concat(chunks)));
    req.on('error', () => resolve(badRequest('error reading the request body')));
  });
}

/** The JSON object in a body, or the 400 kube-apiserver answers for anything else. */
export function parseObject(body: Buffer): Record<string, unknown> | ApiError {
  const text = body.toString('utf8');
  if (text.trim() === '') return badRequest("Object 'Kind' is missing in ''");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return badRequest(`couldn't get version/kind; json parse error: ${(e as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return badRequest(
      `couldn't get version/kind; json parse error: json: cannot unmarshal ${Array.isArray(value) ? 'array' : typeof value} into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }`,
    );
  }
  return value as Record<string, unknown>;
}

export function sendJson(res: ServerResponse, code: number, body: unknown, headers: Record<string, string> = {}, contentType = 'application/json'): void {
  if (res.headersSent || res.writableEnded) return;
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': contentType, 'Content-Length': String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

/** Below V8's large-object size (128 KiB), so the pieces of a page die young. */
const CHUNK_CHARS = 64 * 1024;

/**
 * JSON of `head` with `items` as its last field, written a few items at a time: the same bytes as
 * sendJson without one string the size of the page (500 pods are 3 MB). Such strings go to the old
 * generation, and with 150,000 pods held, the full collections they bring cost more than the list.
 */
export function sendJsonItems(res: ServerResponse, code: number, head: Record<string, unknown>, items: readonly unknown[]): void {
  if (res.headersSent || res.writableEnded) return;
  const open = `${JSON.stringify(head).slice(0, -1)}${Object.keys(head).length > 0 ? ',' : ''}"items":[`;
  const parts = items.map((item) => JSON.stringify(item));
  let length = Buffer.byteLength(open) + parts.length - (parts.length > 0 ? 1 : 0) + 2;
  for (const p of parts) length += Buffer.byteLength(p);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': String(length) });
  let chunk = open;
  parts.forEach((p, i) => {
    chunk += i === 0 ? p : `,${p}`;
    if (chunk.length >= CHUNK_CHARS) {
      res.write(chunk);
      chunk = '';
    }
  });
  res.end(`${chunk}]}`);
}

/** The Status each refused answer carried (a response, or an upgrade's socket), for its audit event. */
export const sentStatus = new WeakMap<object, StatusBody>();

export function sendError(res: ServerResponse, e: ApiError): void {
  if (!res.headersSent && !res.writableEnded) sentStatus.set(res, e.body);
  sendJson(res, e.code, e.body);
}

/** 204 with no body and no content type, as pods/log answers for a pod that never ran. */
export function sendNoContent(res: ServerResponse): void {
  if (res.headersSent || res.writableEnded) return;
  res.writeHead(204);
  res.end();
}

export function contentTypeOf(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/** The request's object, from JSON or (for the kinds kubectl sends that way) protobuf. */
export function parseRequestObject(req: IncomingMessage, body: Buffer): Record<string, unknown> | ApiError {
  return contentTypeOf(req) === PROTOBUF_CONTENT_TYPE ? decodeProtobufObject(body) : parseObject(body);
}
