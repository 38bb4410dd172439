import type { buildConnector } from 'undici';
import { describe, SgciError } from '../../core/index.ts';
import { type HostRefusal, RegistryHostPolicy, refusalReason } from '../../oci/registry/index.ts';

/** The operator's option (and config key `allowWebhook`) that allows a receiver the policy would refuse. */
const allowWebhookOption = '--allow-webhook';
const maxUrlLength = 2000;

/**
 * Where webhooks may deliver. Their URLs come from users, so the registry client's host policy applies: no
 * loopback, private, link-local (cloud metadata) or otherwise special address unless the operator allowed the host,
 * judged at registration for a clear 422 and again inside every connect on the addresses actually used (a name
 * that changes its answer in between is caught there). HTTPS only; plain HTTP only to hosts the operator allowed.
 */
export class WebhookTargets {
  readonly #policy: RegistryHostPolicy;

  constructor(options: { readonly allow?: readonly string[] } = {}) {
    this.#policy = new RegistryHostPolicy({ allow: options.allow ?? [], allowOption: allowWebhookOption });
  }

  /** The URL if its form may be delivered to; USAGE naming `url` otherwise. Resolves nothing. */
  parse(url: string): URL {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new SgciError('USAGE', 'url', 'not an absolute URL');
    }
    if (url.length > maxUrlLength) throw new SgciError('USAGE', 'url', `longer than ${maxUrlLength} characters`);
    if (parsed.username || parsed.password)
      throw new SgciError('USAGE', 'url', 'must not carry credentials; receivers verify the signature instead');
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
      throw new SgciError('USAGE', 'url', `expected https, not ${parsed.protocol.replace(/:$/, '')}`);
    if (parsed.protocol === 'http:' && !this.#policy.allows(parsed))
      throw new SgciError(
        'USAGE',
        'url',
        `plain http only to hosts the operator allows (${allowWebhookOption} ${parsed.host}); use https`,
      );
    parsed.hash = '';
    return parsed;
  }

  /** `parse`, then the host as it resolves now; a refused or unresolvable host is USAGE naming `url`. */
  async check(url: string): Promise<URL> {
    const parsed = this.parse(url);
    let refusal: HostRefusal | undefined;
    try {
      refusal = await this.#policy.judge(parsed);
    } catch (error) {
      throw new SgciError('USAGE', 'url', `cannot resolve ${parsed.hostname}: ${describe(error)}`, { cause: error });
    }
    if (refusal) throw new SgciError('USAGE', 'url', refusalReason(refusal, parsed, 'webhook'), { cause: refusal });
    return parsed;
  }

  /** An undici connector that refuses, at connect time, what the policy refuses. */
  connector(options: buildConnector.BuildOptions): buildConnector.connector {
    return this.#policy.connector(options);
  }

  /** The one line a refusal met while connecting becomes in the delivery log. */
  reason(refusal: HostRefusal, url: URL): string {
    return refusalReason(refusal, url, 'webhook');
  }
}
