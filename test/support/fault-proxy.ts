// A TCP proxy on loopback in front of the real LiveKit, for fault tests of the engine's server API calls: it
// forwards, refuses (nothing listens: ECONNREFUSED) or swallows (accepts, never answers: the call times out).
// Existing connections are cut on every switch, so a kept-alive HTTP connection cannot bypass the fault.
import net from 'node:net';

export type FaultMode = 'forward' | 'refuse' | 'blackhole';

export class FaultProxy {
  readonly #sockets = new Set<net.Socket>();
  #server: net.Server | undefined;
  #mode: FaultMode = 'forward';

  private constructor(
    public port: number,
    readonly targetPort: number | string,
  ) {}

  /**
   * Listens on 127.0.0.1:`port` (0: any free port) and forwards to 127.0.0.1:`targetPort`, or to the Unix socket
   * at that path when it is a string (PostgreSQL inside the test network namespace).
   */
  static async start(targetPort: number | string, port = 0): Promise<FaultProxy> {
    const proxy = new FaultProxy(port, targetPort);
    proxy.port = await proxy.#listen();
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get mode(): FaultMode {
    return this.#mode;
  }

  async set(mode: FaultMode): Promise<void> {
    this.#mode = mode;
    this.#cutAll();
    if (mode === 'refuse') await this.#close();
    else if (this.#server === undefined) await this.#listen();
  }

  async stop(): Promise<void> {
    this.#cutAll();
    await this.#close();
  }

  #listen(): Promise<number> {
    const server = net.createServer((s) => this.#accept(s));
    this.#server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port));
    });
  }

  async #close(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (server !== undefined) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  #accept(client: net.Socket): void {
    this.#track(client);
    if (this.#mode !== 'forward') return; // blackhole: hold the connection, answer nothing
    const upstream = typeof this.targetPort === 'string' ? net.connect(this.targetPort) : net.connect(this.targetPort, '127.0.0.1');
    this.#track(upstream);
    client.pipe(upstream).pipe(client);
  }

  #track(s: net.Socket): void {
    this.#sockets.add(s);
    s.on('error', () => s.destroy());
    s.on('close', () => this.#sockets.delete(s));
  }

  #cutAll(): void {
    for (const s of this.#sockets) s.destroy();
    this.#sockets.clear();
  }
}
