// Requests the server accepts and never answers, as the apiserver does when the kubelet it proxies a
// log read to hangs: no status line, no byte, until the client gives up or the server stops.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { Conditions } from './conditions';

export class HeldRequests {
  private openNow = 0;
  private abandonedSoFar = 0;
  private readonly conditions = new Conditions();

  /** Requests held right now. */
  get open(): number {
    return this.openNow;
  }

  /** Requests whose client went away (or whose connection the server closed) while held. */
  get abandoned(): number {
    return this.abandonedSoFar;
  }

  /** Takes the request and never answers it; it counts as abandoned once its connection closes. */
  hold(_req: IncomingMessage, res: ServerResponse): void {
    this.openNow++;
    res.once('close', () => {
      this.openNow--;
      this.abandonedSoFar++;
      this.conditions.changed();
    });
    this.conditions.changed();
  }

  /** Resolves once `test` holds of the counts. */
  until(test: (held: HeldRequests) => boolean): Promise<void> {
    return this.conditions.until(() => test(this));
  }
}
