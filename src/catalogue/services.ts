import type { RegistryAccess } from '../attest/index.ts';
import type { AttestationInput } from '../checks/index.ts';
import type { ImageDescription } from '../oci/image/index.ts';
import type { Image } from '../oci/index.ts';
import type { Policy } from '../policy/index.ts';
import type { Store } from '../store/index.ts';
import type { VexStatement } from '../vuln/index.ts';
import type { Catalogue } from './db/open.ts';
import type { MonitorRounds } from './monitor/round-job.ts';
import type { ReevaluationSettings } from './rematch/settings.ts';
import type { VerdictSigning } from './verdicts/issue.ts';
import type { WebhookDelivery } from './webhooks/deliver-job.ts';

/** A submitted reference, resolved now: the digest is the version's identity from here on. */
export interface ResolvedImage {
  /** `registry/repository`, without tag or digest. */
  readonly repository: string;
  readonly digest: string;
  readonly tag?: string;
}

/**
 * How the catalogue reaches registries, set up by the server: the operator's allow/deny list and insecure hosts,
 * and the organisation's registry credentials. Every reference is untrusted.
 */
export interface ImageAccess {
  resolve(reference: string, organisation: string): Promise<ResolvedImage>;
  open(reference: string, organisation: string, signal?: AbortSignal): Promise<Image>;
  /** Signatures and attestations verified with the organisation's registered keys; undefined: none registered. */
  verifyAttestations?(image: ImageDescription, organisation: string): Promise<AttestationInput | undefined>;
  /** A registry client with the organisation's credentials, for pushing the catalogue's verdicts; dispose it. */
  registry(organisation: string): Promise<RegistryAccess & AsyncDisposable>;
}

/** A version as VEX decisions are scoped: its image, digest, organisation and layers (for inherited decisions). */
export interface VersionScope {
  readonly submission: string;
  readonly image: string;
  readonly repository: string;
  readonly digest: string;
  readonly organisation: string;
  /** The image's layer diffIDs, bottom first: a base image's decisions apply to findings from its layers. */
  readonly diffIds: readonly string[];
}

/** The catalogue's own VEX decisions in force for a version at `now` (triage), as statements the matcher applies. */
export interface VersionVexSource {
  statementsFor(version: VersionScope, now: Date): Promise<VexStatement[]>;
}

/** What the catalogue's operations and jobs run with. */
export interface CatalogueServices {
  readonly catalogue: Catalogue;
  readonly images: ImageAccess;
  /** The catalogue's published admission policy; its digest is recorded with every scan. */
  readonly policy: Policy;
  /** The catalogue's key: admissions are refused without it (an admission is its signed verdict). */
  readonly signing?: VerdictSigning;
  /**
   * The advisory store versions are matched against; default the catalogue's own database. The embedded server
   * matches against the CLI's store (`$SGCI_HOME/db/sgci.db`), so `sgci db import|update` feed it while it runs.
   */
  readonly advisories?: Store;
  /** The catalogue's VEX decisions; absent: only the contributor's own VEX documents apply. */
  readonly vex?: VersionVexSource;
  /** Grace before suspension, the watch interval, the feeds an admin's update fetches; absent: the defaults. */
  readonly reevaluation?: ReevaluationSettings;
  /** How webhook deliveries are sent and their secrets opened; absent: no webhook jobs run in this process. */
  readonly webhooks?: WebhookDelivery;
  /** What monitor rounds run on (`sgci.monitor-round`); absent: no rounds run in this process. */
  readonly monitor?: MonitorRounds;
}
