/**
 * The catalogue server for the accounts tests: configured from flags and an explicit environment (credentials key,
 * OIDC client secret), every log line kept (to show no secret is logged), and requests that can come from a given
 * client address and carry cookies like a browser.
 */
import type { Catalogue } from '../../src/catalogue/index.ts';
import type { Logger } from '../../src/core/index.ts';
import {
  type App,
  createApp,
  loadServerConfig,
  type ServerConfigInput,
  type ServerDeps,
} from '../../src/server/index.ts';
import { testServer } from './server.ts';

export interface AuthServer {
  readonly app: App;
  readonly deps: ServerDeps;
  /** Every log record as one JSON line. */
  readonly logs: string[];
  /** A request as from the client at `address` (the socket's peer the server sees). */
  request(path: string, init?: RequestInit, address?: string): Promise<Response>;
}

export function authServer(
  catalogue: Catalogue,
  flags: ServerConfigInput = {},
  env: NodeJS.ProcessEnv = {},
): AuthServer {
  const logs: string[] = [];
  const record =
    (level: string) =>
    (object: object, message?: string): void => {
      logs.push(JSON.stringify({ level, ...object, message }));
    };
  const logger: Logger = { debug: record('debug'), info: record('info'), warn: record('warn'), error: record('error') };
  // the test server's dependencies, with the environment's secrets in the configuration and the logs kept
  const deps: ServerDeps = { ...testServer(catalogue, flags).deps, config: loadServerConfig({ env, flags }), logger };
  const app = createApp(deps);
  return {
    app,
    deps,
    logs,
    request: async (path, init, address = '192.0.2.10') =>
      app.request(path, init, { incoming: { socket: { remoteAddress: address } } }),
  };
}

/** The cookies of a Set-Cookie list as `name → value`, and each one's attributes as written. */
export function setCookies(response: Response): Map<string, { value: string; attributes: string[] }> {
  const out = new Map<string, { value: string; attributes: string[] }>();
  for (const line of response.headers.getSetCookie()) {
    const [pair = '', ...attributes] = line.split(';').map((p) => p.trim());
    const eq = pair.indexOf('=');
    out.set(pair.slice(0, eq), { value: pair.slice(eq + 1), attributes });
  }
  return out;
}

/** JSON request init with optional extra headers. */
export function json(method: string, body?: unknown, headers: Record<string, string> = {}): RequestInit {
  return {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  };
}
