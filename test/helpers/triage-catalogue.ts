/**
 * The pages' catalogue made ready for VEX triage. seedPageCatalogue writes made-up digests beside the reports of the
 * fixture images, whose subject is the fixture's own digest; a submission the scan job scanned has the version's
 * digest as its report's subject. Decisions name a version by its digest, so only aligned they reach its findings.
 */
import { sql } from 'kysely';
import type { Catalogue } from '../../src/catalogue/index.ts';

/** Every stored report's subject becomes the version as the catalogue lists it: `repository@digest`, `digest`. */
export async function alignReportSubjects(catalogue: Catalogue): Promise<void> {
  await sql`
    update submissions s
    set result = jsonb_set(
      s.result,
      '{vulns,subject}',
      (s.result -> 'vulns' -> 'subject') || jsonb_build_object('name', i.repository || '@' || s.digest, 'digest', s.digest)
    )
    from images i
    where i.name = s.image and s.result is not null`.execute(catalogue.db);
}
