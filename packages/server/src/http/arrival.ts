import type { IncomingMessage, Server } from "node:http";
import type { Socket } from "node:net";
import type { TLSSocket } from "node:tls";

/** Sockets whose first request has not come yet, and when their connection was accepted. */
const acceptedAt = new WeakMap<Socket, number>();
/** Every request's stamp, from the "request" event to its answer. */
const arrivals = new WeakMap<IncomingMessage, number>();

/**
 * When the server could first know of each request (`performance.now()`), which admission control
 * counts a call's wait from (pool-queue.ts). The first request on a connection arrived with the
 * connection: from its acceptance, so that the time it then spends in a backlog of thousands of
 * new connections, a TLS handshake and the event loop before its body is read counts, which under
 * a connection storm is most of its wait. A later request on a kept-alive connection is stamped
 * when the event loop's turn that read it began (the first request read in that turn): the
 * socket's acceptance (or the previous answer) may be seconds before the caller sent it, while
 * every request read in one turn was already in the kernel's buffers when the turn polled them,
 * and a turn that reads a thousand of them on a busy process lasts seconds. Node's HTTP parser
 * reads the socket natively and tells nothing earlier without a JS reader on every socket. A
 * client that connects and waits before sending its first request has that wait counted too;
 * appliances send at once, and a silent connection is closed (connection-limits.ts).
 */
export function stampArrivals(server: Server, secure: boolean): void {
  if (secure) stampTlsArrivals(server);
  else server.on("connection", (socket: Socket) => acceptedAt.set(socket, performance.now()));
  // Before the handler, which reads the stamp through `arrivalOf`.
  server.prependListener("request", (req: IncomingMessage) => {
    const accepted = acceptedAt.get(req.socket);
    if (accepted !== undefined) acceptedAt.delete(req.socket);
    arrivals.set(req, accepted ?? turnStartedAt());
  });
}

let turnStart: number | null = null;

/** When the event loop's current turn read its first request; forgotten at the turn's end (its check phase). */
function turnStartedAt(): number {
  if (turnStart === null) {
    turnStart = performance.now();
    setImmediate(() => (turnStart = null));
  }
  return turnStart;
}

/** When `req` arrived (see `stampArrivals`); now, for a request that was not stamped. */
export function arrivalOf(req: IncomingMessage): number {
  return arrivals.get(req) ?? performance.now();
}

/**
 * Over TLS the requests come on the TLS socket, which the server makes from the TCP socket it
 * accepted without saying which: the TCP connection's acceptance is matched to it by the peer's
 * address and port, unique among open connections.
 */
function stampTlsArrivals(server: Server): void {
  const acceptedFrom = new Map<string, number>();
  const peerOf = (socket: Socket) => `${socket.remoteAddress}|${socket.remotePort}`;
  server.on("connection", (socket: Socket) => {
    if (socket.remoteAddress === undefined) return; // already closed (connection-limits.ts)
    const peer = peerOf(socket);
    acceptedFrom.set(peer, performance.now());
    socket.once("close", () => acceptedFrom.delete(peer));
  });
  server.on("secureConnection", (socket: TLSSocket) => {
    const peer = peerOf(socket);
    acceptedAt.set(socket, acceptedFrom.get(peer) ?? performance.now());
    acceptedFrom.delete(peer);
  });
}
