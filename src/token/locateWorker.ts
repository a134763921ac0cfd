// The worker thread's side of OffThreadLocator (bundled as dist/locateWorker.js): locates a whole
// text with locateCredentials and posts the credentials back, packed. It keeps nothing between requests.
import { parentPort } from 'node:worker_threads';
import { locateCredentials } from './locate';
import type { LocateReply, LocateRequest } from './offThreadLocate';
import { packLocated } from './packedLocated';

parentPort?.on('message', (request: LocateRequest) => {
  let reply: LocateReply;
  try {
    reply = { id: request.id, packed: packLocated(locateCredentials(request.text)) };
  } catch (err) {
    reply = { id: request.id, error: err instanceof Error ? err.message : String(err) };
  }
  // The numbers' buffer is moved to the host thread, not copied.
  parentPort?.postMessage(reply, 'packed' in reply ? [reply.packed.numbers.buffer] : []);
});
