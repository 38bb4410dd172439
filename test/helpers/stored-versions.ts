/**
 * Versions stored as the scan job and an admission store them, without a registry or a scan per version: for the
 * re-match bench and tests that need many versions of one scanned image.
 */
import { type Catalogue, recordFindings, type StoredScanResult } from '../../src/catalogue/index.ts';
import type { Policy } from '../../src/policy/index.ts';

/** The organisation `slug` with the users `author` and `reviewer`. */
export async function storeOrganisation(catalogue: Catalogue, slug: string): Promise<void> {
  const now = catalogue.now();
  await catalogue.db.insertInto('organisations').values({ slug, name: slug, created_at: now }).execute();
  await catalogue.db
    .insertInto('users')
    .values(['author', 'reviewer'].map((id) => ({ id, login: id, display_name: id, role: null, created_at: now })))
    .execute();
}

/** The image `name` of the organisation, at `registry.example/ORGANISATION/NAME`. */
export async function storeImage(catalogue: Catalogue, organisation: string, name: string): Promise<void> {
  const now = catalogue.now();
  await catalogue.db
    .insertInto('images')
    .values({
      name,
      organisation,
      repository: `registry.example/${organisation}/${name}`,
      description_de: name,
      description_en: name,
      categories: JSON.stringify([organisation]),
      license: 'MIT',
      source: 'https://example.invalid',
      contact: organisation,
      created_at: now,
      updated_at: now,
    })
    .execute();
}

export interface StoredVersion {
  readonly id: string;
  readonly image: string;
  readonly organisation: string;
  /** Tag and digest of the version: `N` and `sha256:` N in hex. */
  readonly n: number;
  readonly status: 'admitted' | 'awaiting-review';
  readonly policy: Policy;
  readonly scanKey: string | null;
  readonly result: StoredScanResult;
}

/** One version in one transaction: the submission, its result and findings, and for an admitted one the admission. */
export async function storeVersion(catalogue: Catalogue, version: StoredVersion): Promise<void> {
  const { id, image, organisation, n, status, policy } = version;
  const now = catalogue.now();
  await catalogue.transaction(async (tx) => {
    await tx
      .insertInto('submissions')
      .values({
        id,
        image,
        reference: `registry.example/${organisation}/${image}:${n}`,
        digest: `sha256:${n.toString(16).padStart(64, '0')}`,
        tag: String(n),
        status,
        organisation,
        submitted_by: 'author',
        inputs: '{}',
        policy_digest: policy.digest,
        scan_key: version.scanKey,
        created_at: now,
        updated_at: now,
        ...(status === 'admitted' ? { admitted_at: now } : {}),
      })
      .execute();
    await recordFindings(tx, id, version.result, policy);
    if (status !== 'admitted') return;
    await tx
      .insertInto('decisions')
      .values({
        submission: id,
        reviewer: 'reviewer',
        decision: 'admit',
        reason: 'stored',
        manual_checks: '[]',
        at: now,
      })
      .execute();
  });
}
