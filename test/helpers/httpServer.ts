import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** A plain HTTP server on 127.0.0.1 for one test, closed (with its open connections) when the test ends; returns its base URL. */
export async function serve(t: { after(fn: () => unknown): void }, handler: Parameters<typeof createServer>[1]): Promise<string> {
  const server: Server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.after(() => {
    server.closeAllConnections();
    server.close();
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
