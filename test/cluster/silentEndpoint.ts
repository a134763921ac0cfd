// A TCP listener that accepts every connection and never writes a byte: an API server whose process
// hangs, or a load balancer that completes the handshake for a backend that is gone. A kubeconfig
// context can point at it; a client without a deadline waits on it for ever.

import { createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { Conditions } from './conditions';

export class SilentEndpoint {
  private readonly sockets = new Set<Socket>();
  private acceptedSoFar = 0;
  private receivedSoFar = 0;
  private readonly conditions = new Conditions();
  private readonly server = createServer((socket) => this.accept(socket));
  private portNumber = 0;

  /** Listens on 127.0.0.1 on a free port. */
  static async open(): Promise<SilentEndpoint> {
    const endpoint = new SilentEndpoint();
    await new Promise<void>((resolve, reject) => {
      endpoint.server.once('error', reject);
      endpoint.server.listen(0, '127.0.0.1', () => {
        endpoint.server.off('error', reject);
        resolve();
      });
    });
    endpoint.portNumber = (endpoint.server.address() as AddressInfo).port;
    return endpoint;
  }

  get port(): number {
    return this.portNumber;
  }

  /** What a kubeconfig's `server` says to reach it. */
  get url(): string {
    return `https://127.0.0.1:${this.portNumber}`;
  }

  /** Connections accepted so far. */
  get accepted(): number {
    return this.acceptedSoFar;
  }

  /** Connections open now. */
  get open(): number {
    return this.sockets.size;
  }

  /** Bytes the clients sent (a TLS hello, a request), none of them answered. */
  get receivedBytes(): number {
    return this.receivedSoFar;
  }

  /** Resolves once `test` holds of the counts. */
  until(test: (endpoint: SilentEndpoint) => boolean): Promise<void> {
    return this.conditions.until(() => test(this));
  }

  /** Drops every connection and stops listening. */
  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    if (!this.server.listening) return;
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    this.acceptedSoFar++;
    socket.on('data', (chunk: Buffer) => {
      this.receivedSoFar += chunk.length;
      this.conditions.changed();
    });
    // A client that gives up resets the connection; that is its business, not an error here.
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.sockets.delete(socket);
      this.conditions.changed();
    });
    this.conditions.changed();
  }
}
