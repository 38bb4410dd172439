import { createRequire } from 'node:module';
import { loadBuiltins } from '../../core/index.ts';

type Undici = typeof import('undici');

/*
 * The parts of undici sgci uses (the registry client; the Debian sources of `sgci build`), required from their own
 * modules: undici's index loads all of it
 * (fetch, WebSocket, EventSource, cookies, the cache and mock agents), 110 modules and ~0.08 s of CPU on every
 * command that reaches a registry, where these need 36 and ~0.035 s (issue 15: a `monitor run` of unchanged tags is
 * mostly start-up). The index attaches the request API (`request`, `stream` …) to `Dispatcher.prototype` when it
 * loads; so does this module, with the same functions. `undici.test.ts` fails when an upgrade moves a module: each
 * part must be the very object the index exports.
 */
const require = createRequire(import.meta.url);
// the built-ins these parts require, from Node's code cache (core/v8-flags.ts)
loadBuiltins(['node:assert', 'node:dns', 'node:http', 'node:http2', 'node:tls']);

const Dispatcher = require('undici/lib/dispatcher/dispatcher.js') as Undici['Dispatcher'];
Object.assign(Dispatcher.prototype, require('undici/lib/api/index.js'));

export const Agent = require('undici/lib/dispatcher/agent.js') as Undici['Agent'];
export const EnvHttpProxyAgent =
  require('undici/lib/dispatcher/env-http-proxy-agent.js') as Undici['EnvHttpProxyAgent'];
export const buildConnector = require('undici/lib/core/connect.js') as Undici['buildConnector'];
export const errors = require('undici/lib/core/errors.js') as Undici['errors'];
export { Dispatcher };
