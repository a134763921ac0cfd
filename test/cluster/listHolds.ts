// Lists the server takes and answers only when the test lets them go: how an E2E keeps a client's inventory
// loading for as long as it measures something else (a hover while 20,000 service accounts are being listed),
// without waiting for time. Only lists are held (a GET of a collection, first page or `continue`); watches, gets
// and writes of the same resource pass.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Conditions } from './conditions';
import { requestInfo } from './requestInfo';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export interface ListHold {
  /** Lists waiting now. */
  readonly waiting: number;
  /** Resolves once `test` holds of the hold. */
  until(test: (hold: ListHold) => boolean): Promise<void>;
  /** Answers the waiting lists and lets every later one through. */
  release(): void;
}

export class ListHolds {
  private readonly held = new Map<string, { queue: (() => void)[]; conditions: Conditions }>();

  /** From now on, lists of `resource` (`serviceaccounts`, `pods`) wait for the hold's release; one hold per resource. */
  hold(resource: string): ListHold {
    // Two holds on one resource would release each other's lists: one at a time.
    if (this.held.has(resource)) throw new Error(`the lists of ${resource} are held already`);
    const entry = { queue: [] as (() => void)[], conditions: new Conditions() };
    this.held.set(resource, entry);
    const hold: ListHold = {
      get waiting() {
        return entry.queue.length;
      },
      until: (test) => entry.conditions.until(() => test(hold)),
      release: () => {
        if (this.held.get(resource) === entry) this.held.delete(resource);
        for (const answer of entry.queue.splice(0)) answer();
        entry.conditions.changed();
      },
    };
    return hold;
  }

  /** The server's request handler, holding the lists of held resources. */
  wrap(handle: Handler): Handler {
    return (req, res) => {
      const entry = this.held.size === 0 ? undefined : this.entryFor(req);
      if (!entry) return handle(req, res);
      const answer = (): void => {
        if (!res.destroyed) handle(req, res);
      };
      entry.queue.push(answer);
      // A client that gives up is no longer waiting.
      res.once('close', () => {
        const at = entry.queue.indexOf(answer);
        if (at >= 0) entry.queue.splice(at, 1);
        entry.conditions.changed();
      });
      entry.conditions.changed();
    };
  }

  private entryFor(req: IncomingMessage): { queue: (() => void)[]; conditions: Conditions } | undefined {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'https://127.0.0.1');
    } catch {
      return undefined;
    }
    const info = requestInfo(req.method ?? 'GET', url);
    if (info.kind !== 'resource' || info.verb !== 'list' || info.subresource !== undefined) return undefined;
    return this.held.get(info.resource);
  }
}
