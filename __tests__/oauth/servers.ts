import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RefreshContext } from '../../src';

export interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** How a loopback server answers one request it has read in full. */
export type Answer = (res: ServerResponse, request: Received) => void;

export interface Loopback {
  url: string;
  /** Every request, in the order it arrived. */
  received: Received[];
  close(): Promise<void>;
}

/** A server on 127.0.0.1, on a free port, that records every request and gives it `answers` in turn (the last one again once they run out). */
export async function serve(...answers: Answer[]): Promise<Loopback> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request = { method: req.method!, path: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString() };
      received.push(request);
      const answer = answers.length > 1 ? answers.shift()! : answers[0]!;
      answer(res, request);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: () =>
      new Promise((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

export const json =
  (status: number, body: unknown, headers: Record<string, string> = {}): Answer =>
  (res) =>
    res.writeHead(status, { 'Content-Type': 'application/json', ...headers }).end(JSON.stringify(body));

export const redirect =
  (status: number, location: string, body: unknown = { error: 'invalid_grant' }): Answer =>
  (res) =>
    res.writeHead(status, { Location: location, 'Content-Type': 'application/json' }).end(JSON.stringify(body));

/** Never answers: the request stays open until the client gives up. */
export const silent: Answer = () => {};

/**
 * A JSON body that, as far as a client can tell, never ends: chunked (no Content-Length, unless
 * `declared` is given), written only as fast as the client reads it, until the client hangs up.
 * It does stop at 64 MiB, so that a client that buffers everything fails its test instead of the
 * machine. `written()` counts what the client was given so far.
 */
export function endlessBody(declared?: number) {
  let written = 0;
  const answer: Answer = (res) => {
    let closed = false;
    res.on('close', () => (closed = true));
    res.writeHead(200, { 'Content-Type': 'application/json', ...(declared !== undefined && { 'Content-Length': String(declared) }) });
    const chunk = Buffer.alloc(64 * 1024, 'a');
    const pump = () => {
      while (!closed && written < 64 * 1024 * 1024) {
        written += chunk.length;
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
      if (!closed) res.end();
    };
    res.write('{"access_token":"');
    pump();
  };
  return { answer, written: () => written };
}

export const context = (signal = new AbortController().signal, dpop?: RefreshContext['dpop']): RefreshContext => ({ signal, reason: 'manual', ...(dpop && { dpop }) });

/** A session's tokens before the refresh; the refresh token long enough to be masked wherever it appears. */
export const previous = { accessToken: 'at-old-0123456789', refreshToken: 'rt-old-0123456789' };

/** Answers by `METHOD /path`, and 404 to anything else. */
export const routes =
  (table: Record<string, Answer>): Answer =>
  (res, request) =>
    (table[`${request.method} ${request.path}`] ?? json(404, {}))(res, request);
