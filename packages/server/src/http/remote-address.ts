import type { IncomingMessage } from "node:http";

export function remoteAddressOf(req: IncomingMessage): string {
  return req.socket.remoteAddress ?? "unknown";
}
