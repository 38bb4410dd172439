/**
 * A catalogue of real-looking size for the server benchmarks: every fixture scanned once by the one pipeline (its
 * SBOM, findings and checks real), then written as many admitted versions of many images, each through
 * `recordScanResult` as the scan job writes it, so the API reads exactly what a running catalogue holds.
 */
import { randomUUID } from 'node:crypto';
import { type Catalogue, recordScanResult, type StoredScanResult, storedResultOf } from '../../src/catalogue/index.ts';
import { openImage } from '../../src/oci/source/index.ts';
import { defaultPolicy } from '../../src/policy/index.ts';
import { runScan, storeMatcher } from '../../src/scan/index.ts';
import { fixture, fixtureNames } from '../../test/helpers/fixtures.ts';

/** The stored result of each fixture, scanned against the catalogue's advisories under the built-in policy. */
export async function fixtureResults(catalogue: Catalogue): Promise<StoredScanResult[]> {
  const results: StoredScanResult[] = [];
  for (const name of fixtureNames) {
    await using image = await openImage(`oci-archive:${fixture(name).ociArchive}`);
    const outcome = await runScan(
      { subject: { image }, needs: { vulns: true, checks: true }, policy: defaultPolicy, now: catalogue.now() },
      { matcher: storeMatcher(catalogue.store) },
    );
    // what re-matching reads beside a version (matching_inputs) is left out: the API reads nothing of it
    const { matching: _, ...result } = storedResultOf(outcome);
    results.push(result);
  }
  return results;
}

const words = {
  de: ['gehärtet', 'Datenbank', 'Webserver', 'Laufzeit', 'Vorlage', 'Fachanwendung', 'Basis', 'Werkzeug'],
  en: ['hardened', 'database', 'web server', 'runtime', 'template', 'application', 'base', 'tool'],
};
const categories = ['base', 'runtime', 'database', 'web-server', 'tool', 'application'];

/** `images × versionsPerImage` admitted versions, spread over ten organisations; returns the image names. */
export async function seedCatalogue(
  catalogue: Catalogue,
  results: readonly StoredScanResult[],
  images: number,
  versionsPerImage: number,
): Promise<string[]> {
  const now = catalogue.now();
  const organisations = Array.from({ length: 10 }, (_, i) => `behoerde-${i}`);
  await catalogue.db
    .insertInto('organisations')
    .values(organisations.map((slug) => ({ slug, name: slug, contact: null, created_at: now })))
    .execute();
  await catalogue.db
    .insertInto('users')
    .values({ id: 'bench', login: 'bench', display_name: 'bench', role: 'admin', created_at: now })
    .execute();
  const names: string[] = [];
  for (let start = 0; start < images; start += 100) {
    await catalogue.transaction(async (tx) => {
      for (let i = start; i < Math.min(images, start + 100); i++) {
        const name = `image-${String(i).padStart(5, '0')}`;
        const organisation = organisations[i % organisations.length] ?? 'behoerde-0';
        const w = i % words.de.length;
        names.push(name);
        await tx
          .insertInto('images')
          .values({
            name,
            organisation,
            repository: `registry.example.de/${organisation}/${name}`,
            description_de: `${words.de[w]} ${words.de[(w + 3) % words.de.length]} für die Verwaltung`,
            description_en: `${words.en[w]} ${words.en[(w + 3) % words.en.length]} for the administration`,
            categories: JSON.stringify([categories[i % categories.length]]),
            license: 'EUPL-1.2',
            source: `https://gitlab.opencode.de/${organisation}/${name}`,
            contact: `team@${organisation}.example`,
            created_at: now,
            updated_at: now,
          })
          .execute();
        for (let v = 0; v < versionsPerImage; v++) {
          const id = randomUUID();
          const at = new Date(now.getTime() - (versionsPerImage - v) * 86_400_000);
          await tx
            .insertInto('submissions')
            .values({
              id,
              image: name,
              reference: `registry.example.de/${organisation}/${name}:1.${v}`,
              digest: `sha256:${Buffer.from(`${name}-${v}`).toString('hex').padEnd(64, '0').slice(0, 64)}`,
              tag: `1.${v}`,
              status: 'admitted',
              organisation,
              submitted_by: 'bench',
              inputs: '{}',
              policy_digest: defaultPolicy.digest,
              created_at: at,
              updated_at: at,
              admitted_at: at,
            })
            .execute();
          await recordScanResult(tx, id, results[(i + v) % results.length] as StoredScanResult);
        }
      }
    });
  }
  return names;
}
