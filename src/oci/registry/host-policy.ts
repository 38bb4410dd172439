/**
 * Which hosts the registry client may connect to when the references come from people the operator does not
 * trust (the catalogue server): no loopback, private, link-local (cloud metadata), CGNAT, multicast or
 * reserved address, unless the operator allowed the host. The check runs inside the connect of undici, on
 * the very addresses the socket is about to use, so a name that resolves to a public address when checked
 * and to 127.0.0.1 when connected (DNS rebinding) cannot slip through. The catalogue's webhooks reach
 * untrusted URLs too and use the same policy under their own option names.
 */
import type { LookupAddress, LookupOptions } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import type { buildConnector as BuildConnector } from 'undici';
import { SgciError } from '../../core/index.ts';
import { buildConnector } from '../undici/index.ts';
import { specialRangeOf } from './address-range.ts';

/**
 * node:dns, taken when first used: a static import would load it while the module graph links, under sgci's V8
 * flags and so compiled from source, before undici.ts loads it with the client's other built-ins (core/v8-flags.ts).
 */
const dns = () => process.getBuiltinModule('node:dns');

export interface RegistryHostPolicyOptions {
  /** `HOST` or `HOST:PORT` reached even on a loopback or private address (the server's `--allow-registry`). */
  readonly allow?: readonly string[];
  /** `HOST`, `HOST:PORT` or IP never reached; an IP also refuses every name that resolves to it. */
  readonly deny?: readonly string[];
  /** The operator's option that fills `allow`, named in usage errors and refusals; default `--allow-registry`. */
  readonly allowOption?: string;
  /** The operator's option that fills `deny`, named in usage errors; default `--deny-registry`. */
  readonly denyOption?: string;
}

/** What the refused host was to the request, for the message: the user typed only the registry or the URL. */
export type HostRole = 'registry' | 'redirect target' | 'token realm' | 'webhook';

/** A connection the policy refused; the transport turns it into REGISTRY_REFUSED naming the request's input. */
export class HostRefusal extends Error {
  /** The special range (`a private address`), or undefined when the deny list refused the host. */
  readonly range: string | undefined;
  /** The address a host name resolved to; undefined for a literal IP or a denied host. */
  readonly address: string | undefined;
  /** The option that would allow the host, for the message's advice. */
  readonly allowOption: string;

  constructor(range: string | undefined, address?: string, allowOption = '--allow-registry') {
    super(range === undefined ? 'host is on the deny list' : `${address ?? 'host'} is ${range}`);
    this.name = 'HostRefusal';
    this.range = range;
    this.address = address;
    this.allowOption = allowOption;
  }
}

type Verdict = 'connect' | 'resolve';

export class RegistryHostPolicy {
  readonly #allow: ReadonlySet<string>;
  readonly #deny: ReadonlySet<string>;
  readonly #deniedAddresses = new BlockList();
  readonly #allowOption: string;

  /** Throws USAGE for an entry that is not `HOST` or `HOST:PORT` (IPv6 in brackets). */
  constructor(options: RegistryHostPolicyOptions = {}) {
    this.#allowOption = options.allowOption ?? '--allow-registry';
    this.#allow = new Set((options.allow ?? []).map((entry) => hostEntry(entry, this.#allowOption)));
    const deny = (options.deny ?? []).map((entry) => hostEntry(entry, options.denyOption ?? '--deny-registry'));
    this.#deny = new Set(deny);
    for (const entry of deny) {
      const address = entry.replace(/^\[(.*)\]$/, '$1');
      if (isIP(address)) this.#deniedAddresses.addAddress(address, isIP(address) === 4 ? 'ipv4' : 'ipv6');
    }
  }

  /**
   * Resolves the host of `url` and throws REGISTRY_REFUSED if the policy refuses it. The client's own
   * connections are checked at connect time without this; it serves a proxied request (the proxy resolves
   * again, a gap the docs name) and callers that want to refuse a reference before pulling it.
   */
  async check(url: URL, input: string, role: HostRole = 'registry'): Promise<void> {
    const refusal = await this.judge(url);
    if (refusal) throw refusalError(refusal, { url, input, role });
  }

  /** The refusal of `url`'s host as it resolves now, or undefined when it may be reached; DNS failures throw. */
  async judge(url: URL): Promise<HostRefusal | undefined> {
    const hostname = unbracketed(url.hostname);
    try {
      if (this.#screen(hostname, portOf(url.protocol, url.port)) === 'connect') return undefined;
      const addresses = await new Promise<LookupAddress[]>((resolve, reject) =>
        dns().lookup(hostname, { all: true }, (error, found) => (error ? reject(error) : resolve(found))),
      );
      this.#judgeAddresses(addresses);
      return undefined;
    } catch (error) {
      if (error instanceof HostRefusal) return error;
      throw error;
    }
  }

  /** Whether the operator allowed `url`'s host by name or name:port (what plain HTTP to a webhook needs). */
  allows(url: URL): boolean {
    const host = normalHost(url.hostname);
    return this.#allow.has(host) || this.#allow.has(`${host}:${portOf(url.protocol, url.port)}`);
  }

  /** An undici connector that applies the policy to each new connection; `options` as for `buildConnector`. */
  connector(options: BuildConnector.BuildOptions): BuildConnector.connector {
    const direct = buildConnector(options);
    const lookup: LookupFunction = (hostname, lookupOptions, callback) =>
      this.#lookup(hostname, lookupOptions, callback);
    const resolving = buildConnector({ ...options, lookup });
    return (target, callback) => {
      let verdict: Verdict;
      try {
        verdict = this.#screen(target.hostname, portOf(target.protocol, target.port));
      } catch (error) {
        queueMicrotask(() => callback(error as Error, null));
        return;
      }
      (verdict === 'resolve' ? resolving : direct)(target, callback);
    };
  }

  /**
   * What can be decided from the name alone: denied (throws), allowed, a literal IP judged by its range, or a
   * name whose addresses the connect's lookup must judge.
   */
  #screen(hostname: string, port: number): Verdict {
    const host = normalHost(isIP(hostname) === 6 ? `[${hostname}]` : hostname);
    const withPort = `${host}:${port}`;
    if (this.#deny.has(host) || this.#deny.has(withPort))
      throw new HostRefusal(undefined, undefined, this.#allowOption);
    if (this.#allow.has(host) || this.#allow.has(withPort)) return 'connect';
    if (isIP(hostname) === 0) return 'resolve';
    this.#judgeAddresses([{ address: hostname, family: isIP(hostname) }], true);
    return 'connect';
  }

  /** Throws for the first address that is denied or special; every address counts, not only the first. */
  #judgeAddresses(addresses: readonly LookupAddress[], literal = false): void {
    for (const { address, family } of addresses) {
      if (this.#deniedAddresses.check(address, family === 6 ? 'ipv6' : 'ipv4')) {
        throw new HostRefusal(undefined, literal ? undefined : address, this.#allowOption);
      }
      const range = specialRangeOf(address);
      if (range !== undefined) throw new HostRefusal(range, literal ? undefined : address, this.#allowOption);
    }
  }

  /** node:net's lookup, judging every address it hands to the socket: the checked ones are the connected ones. */
  #lookup(hostname: string, options: LookupOptions, callback: Parameters<LookupFunction>[2]): void {
    dns().lookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) {
        callback(error, []);
        return;
      }
      try {
        this.#judgeAddresses(addresses);
      } catch (refusal) {
        callback(refusal as HostRefusal, []);
        return;
      }
      const [first] = addresses;
      if (options.all || !first) callback(null, addresses);
      else callback(null, first.address, first.family);
    });
  }
}

export interface RefusedRequest {
  readonly url: URL;
  readonly input: string;
  readonly role: HostRole;
}

/** The one line a refusal becomes: which host, what it was to the request, why, and how to allow it. */
export function refusalError(refusal: HostRefusal, { url, input, role }: RefusedRequest): SgciError {
  return new SgciError('REGISTRY_REFUSED', input, refusalReason(refusal, url, role), { cause: refusal });
}

/** `not connecting to registry 10.0.0.5, a private address; allow it with --allow-registry 10.0.0.5`. */
export function refusalReason(refusal: HostRefusal, url: URL, role: HostRole): string {
  const host = url.host;
  const resolved = refusal.address === undefined ? '' : `which resolves to ${refusal.address}, `;
  const why =
    refusal.range === undefined
      ? refusal.address === undefined
        ? 'which is on the deny list'
        : `${resolved}an address on the deny list`
      : `${resolved}${refusal.range}; allow it with ${refusal.allowOption} ${host}`;
  return `not connecting to ${role} ${host}, ${why}`;
}

/** `Host.Example.:5000` → `host.example:5000`; `0x7f.1` → `127.0.0.1`, as the URL parser reads hosts. */
function hostEntry(entry: string, option: string): string {
  const match = /^(\[[^\]]*\]|[^:[\]]+)(?::(\d{1,5}))?$/.exec(entry.trim());
  let hostname: string | undefined;
  try {
    hostname = match?.[1] ? new URL(`http://${match[1]}/`).hostname : undefined;
  } catch {
    hostname = undefined;
  }
  if (!match || hostname === undefined || Number(match[2] ?? 0) > 65_535) {
    throw new SgciError('USAGE', option, `${JSON.stringify(entry)} is not HOST or HOST:PORT (IPv6 in brackets)`);
  }
  return `${normalHost(hostname)}${match[2] === undefined ? '' : `:${Number(match[2])}`}`;
}

function normalHost(host: string): string {
  return host.toLowerCase().replace(/\.$/, '');
}

function unbracketed(hostname: string): string {
  return hostname.replace(/^\[(.*)\]$/, '$1');
}

function portOf(protocol: string, port: string): number {
  return port ? Number(port) : protocol === 'https:' ? 443 : 80;
}
