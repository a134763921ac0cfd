// The worker thread's side of OffThreadLocator (bundled as dist/locateWorker.js): locates a whole
// text with locateCredentials and posts the credentials back. It keeps nothing between requests.
import { parentPort } from 'node:worker_threads';
import { locateCredentials } from './locate';
import type { LocateReply, LocateRequest } from './offThreadLocate';

parentPort?.on('message', (request: LocateRequest) => {
  let reply: LocateReply;
  try {
    reply = { id: request.id, located: locateCredentials(request.text) };
  } catch (err) {
    reply = { id: request.id, error: err instanceof Error ? err.message : String(err) };
  }
  parentPort?.postMessage(reply);
});
