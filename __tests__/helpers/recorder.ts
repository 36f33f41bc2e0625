import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Seen {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface Recorder {
  url: string;
  seen: Seen[];
  close(): Promise<void>;
}

/**
 * A loopback server that records every request. `/hop/<status>?to=<url>` answers that redirect
 * status; `/unauthorized` an RFC 6750 401 whose `Date` is two hours ahead; `/guarded` an RFC 6750
 * 401 to a request without `Authorization` or `X-Api-Token`; `/nonce/<value>` 200 with that `DPoP-Nonce`;
 * anything else 200 with what it received.
 */
export async function startRecorder(): Promise<Recorder> {
  const seen: Seen[] = [];
  const http = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url!, 'http://x');
      const entry = { method: req.method!, path: url.pathname, headers: req.headers, body: Buffer.concat(chunks).toString() };
      seen.push(entry);
      const hop = /^\/hop\/(\d{3})$/.exec(url.pathname);
      if (hop) return res.writeHead(Number(hop[1]), { location: url.searchParams.get('to')!, 'content-type': 'text/plain' }).end('moved');
      const refused = { 'www-authenticate': 'Bearer error="invalid_token"', 'content-type': 'application/json' };
      if (url.pathname === '/unauthorized') return res.writeHead(401, { ...refused, date: new Date(Date.now() + 2 * 3_600_000).toUTCString() }).end('{}');
      if (url.pathname === '/guarded' && !req.headers.authorization && !req.headers['x-api-token']) return res.writeHead(401, refused).end('{}');
      const nonce = /^\/nonce\/([\w.~-]+)$/.exec(url.pathname)?.[1];
      res.writeHead(200, { 'content-type': 'application/json', ...(nonce && { 'dpop-nonce': nonce }) }).end(JSON.stringify(entry));
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`,
    seen,
    close: () =>
      new Promise((resolve, reject) => {
        http.closeAllConnections();
        http.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

export const hop = (status: number, to: string) => `/hop/${status}?to=${encodeURIComponent(to)}`;
