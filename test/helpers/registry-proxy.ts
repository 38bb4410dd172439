/**
 * A loopback HTTP proxy in front of a test registry that misbehaves on purpose, as real registries do: drops the
 * Docker-Content-Digest header, answers 429 with Retry-After, sends rate-limit headers. Everything else is the real
 * registry's answer, passed through byte for byte.
 */
import { createServer, type IncomingHttpHeaders, request, type Server } from 'node:http';

export interface ProxiedRequest {
  readonly method: string;
  readonly path: string;
}

/** Decides per request: answer it here (status and headers, no body), or pass it on with its headers rewritten. */
export interface ProxyBehaviour {
  answer?(req: ProxiedRequest): { status: number; headers: Record<string, string> } | undefined;
  rewrite?(req: ProxiedRequest, headers: IncomingHttpHeaders): IncomingHttpHeaders;
}

export interface RegistryProxy extends AsyncDisposable {
  /** `127.0.0.1:PORT`: the registry part of references through the proxy. */
  readonly host: string;
  /** Every request that reached the proxy, in order. */
  readonly requests: ProxiedRequest[];
  /** Connections the proxy accepted so far: how often clients connected, not how often they asked. */
  readonly connections: () => number;
}

export async function startRegistryProxy(upstream: string, behaviour: ProxyBehaviour): Promise<RegistryProxy> {
  const requests: ProxiedRequest[] = [];
  const target = new URL(upstream);
  const server: Server = createServer((req, res) => {
    const seen = { method: req.method ?? 'GET', path: req.url ?? '/' };
    requests.push(seen);
    const answer = behaviour.answer?.(seen);
    if (answer) {
      res.writeHead(answer.status, answer.headers);
      res.end();
      return;
    }
    const forward = request(
      { host: target.hostname, port: target.port, method: seen.method, path: seen.path, headers: req.headers },
      (upstreamRes) => {
        const headers = behaviour.rewrite?.(seen, upstreamRes.headers) ?? upstreamRes.headers;
        res.writeHead(upstreamRes.statusCode ?? 502, headers);
        upstreamRes.pipe(res);
      },
    );
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  let connections = 0;
  server.on('connection', () => {
    connections++;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    host: `127.0.0.1:${port}`,
    requests,
    connections: () => connections,
    [Symbol.asyncDispose]: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
