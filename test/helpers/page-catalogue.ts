/**
 * A catalogue to show in the pages' tests and screenshots: fixture images scanned by the one pipeline (their SBOMs
 * kept in the scan store as the scan job keeps them, findings against the real npm and PyPI advisories, check
 * evidence as the checks wrote it), written as admitted versions of a few images with verdicts signed by a key made
 * here. On request: filler images to page through, and a hostile image whose every text carries markup.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { generateP256, LocalSigner } from '../../src/attest/index.ts';
import {
  type Catalogue,
  issueVerdict,
  recordScanResult,
  type StoredScanResult,
  type SubmissionStatus,
  storedResultOf,
  type VerdictSigning,
} from '../../src/catalogue/index.ts';
import { openImage } from '../../src/oci/source/index.ts';
import { defaultPolicy } from '../../src/policy/index.ts';
import { runScan, type ScanRequest, scanCacheKey, storeMatcher, storeScanCache } from '../../src/scan/index.ts';
import { importAdvisories, parseAdvisorySource } from '../../src/vuln/index.ts';
import { corpusDir, type FixtureName, fixture } from './fixtures.ts';

export interface ScannedFixture {
  readonly result: StoredScanResult;
  /** The stored pass (its SBOM) in the catalogue's scan store. */
  readonly scanKey: string;
}

/** Scans a fixture image as the scan job does, keeping its pass in the scan store. */
export async function scanFixture(catalogue: Catalogue, name: FixtureName): Promise<ScannedFixture> {
  await using image = await openImage(`oci-archive:${fixture(name).ociArchive}`);
  const request: ScanRequest = {
    subject: { image },
    needs: { vulns: true, checks: true },
    policy: defaultPolicy,
    now: catalogue.now(),
  };
  const outcome = await runScan(request, {
    matcher: storeMatcher(catalogue.store),
    cache: storeScanCache(catalogue.store),
  });
  const scanKey = outcome.image ? scanCacheKey(outcome.image, defaultPolicy, request) : undefined;
  if (!scanKey) throw new Error(`${name}: no scan key`);
  return { result: storedResultOf(outcome), scanKey };
}

export interface SeedVersion {
  readonly tag: string;
  readonly scan: ScannedFixture;
  readonly daysAgo: number;
  readonly status?: SubmissionStatus;
  /** Sign a verdict (valid from the version's admission, as long as the policy allows). */
  readonly verdict?: boolean;
}

export interface SeedImage {
  readonly name: string;
  readonly organisation: string;
  readonly description: { readonly de: string; readonly en: string };
  readonly categories: readonly string[];
  readonly license?: string;
  readonly source?: string;
  readonly contact?: string;
  readonly repository?: string;
  readonly maintainer?: string;
}

const day = 86_400_000;

/** A catalogue signing key of the test's own. */
export function testSigning(): VerdictSigning {
  const key = generateP256();
  return {
    signer: new LocalSigner(key.privateKey, key.publicKey, 'catalogue.key'),
    verifierId: 'https://container.example',
    policyUri: 'https://container.example/api/v1/policy',
  };
}

/** One image with its versions, oldest first, each written as the scan job and the decision write it. */
export async function addImage(
  catalogue: Catalogue,
  signing: VerdictSigning,
  image: SeedImage,
  versions: readonly SeedVersion[],
): Promise<void> {
  const now = catalogue.now();
  const repository = image.repository ?? `registry.example.de/${image.organisation}/${image.name}`;
  await catalogue.transaction(async (tx) => {
    await tx
      .insertInto('images')
      .values({
        name: image.name,
        organisation: image.organisation,
        repository,
        description_de: image.description.de,
        description_en: image.description.en,
        categories: JSON.stringify(image.categories),
        license: image.license ?? 'EUPL-1.2',
        source: image.source ?? `https://gitlab.opencode.de/${image.organisation}/${image.name}`,
        contact: image.contact ?? `plattform@${image.organisation}.example`,
        created_at: new Date(now.getTime() - Math.max(...versions.map((v) => v.daysAgo)) * day),
        updated_at: now,
      })
      .execute();
    if (image.maintainer) {
      const user = randomUUID();
      await tx
        .insertInto('users')
        .values({
          id: user,
          login: `m-${user.slice(0, 8)}`,
          display_name: image.maintainer,
          role: null,
          created_at: now,
          last_seen_at: now,
        })
        .execute();
      await tx
        .insertInto('maintainers')
        .values({ image: image.name, user_id: user, organisation: image.organisation, since: now })
        .execute();
    }
    for (const [i, v] of versions.entries()) {
      const id = randomUUID();
      const at = new Date(now.getTime() - v.daysAgo * day);
      const digest = `sha256:${Buffer.from(`${image.name}-${v.tag}-${i}`).toString('hex').padEnd(64, '0').slice(0, 64)}`;
      const status = v.status ?? 'admitted';
      await tx
        .insertInto('submissions')
        .values({
          id,
          image: image.name,
          reference: `${repository}:${v.tag}`,
          digest,
          tag: v.tag,
          status,
          organisation: image.organisation,
          submitted_by: 'seed',
          inputs: '{}',
          policy_digest: defaultPolicy.digest,
          scan_key: v.scan.scanKey,
          created_at: at,
          updated_at: at,
          admitted_at: status === 'admitted' || status === 'at-risk' || status === 'suspended' ? at : null,
        })
        .execute();
      await recordScanResult(tx, id, v.scan.result);
      if (v.verdict) {
        const subject = {
          submission: id,
          image: image.name,
          repository,
          digest,
          organisation: image.organisation,
          result: v.scan.result,
          manualChecks: [],
        };
        await issueVerdict(tx, signing, defaultPolicy, subject, { kind: 'system' }, now);
      }
    }
  });
}

/** Markup in a text field: rendered, it would set `window.__xss` or load an image from nowhere. */
export const hostileText = '<script>window.__xss=1</script><img src=x onerror="window.__xss=1">"\'&';

/** The result with hostile markup where an image or an advisory supplies text: a file path and a summary. */
function hostile(scan: ScannedFixture): ScannedFixture {
  const checks = scan.result.checks;
  const [first, ...rest] = checks.results;
  const vulns = scan.result.vulns;
  const [match, ...others] = vulns.matches;
  return {
    scanKey: scan.scanKey,
    result: {
      ...scan.result,
      checks: {
        ...checks,
        results: first
          ? [
              { ...first, evidence: [{ kind: 'file', path: `/etc/${hostileText}`, layer: 0 }, ...first.evidence] },
              ...rest,
            ]
          : rest,
      },
      vulns: {
        ...vulns,
        matches: match
          ? [{ ...match, vulnerability: { ...match.vulnerability, summary: hostileText } }, ...others]
          : others,
      },
    },
  };
}

/** The newer version of node-app: its first findings fixed (gone from the report, the counts to match). */
function withFixes(scan: ScannedFixture, fixed: number): ScannedFixture {
  const vulns = scan.result.vulns;
  const gone = vulns.matches.slice(0, fixed);
  const active = { ...vulns.summary.active };
  for (const f of gone) if (!f.suppressed && f.judgement === 'open') active[f.vulnerability.severity]--;
  return {
    scanKey: scan.scanKey,
    result: {
      ...scan.result,
      vulns: { ...vulns, matches: vulns.matches.slice(fixed), summary: { ...vulns.summary, active } },
    },
  };
}

export interface PageCatalogueOptions {
  /** Images of the distroless fixture named `demo-01` …, to fill more than one page. */
  readonly filler?: number;
  /** The image `hostile-app`, every text field of which carries `hostileText`. */
  readonly hostile?: boolean;
}

/** The catalogue the pages are tested and shown with; returns the names of its images. */
export async function seedPageCatalogue(catalogue: Catalogue, options: PageCatalogueOptions = {}): Promise<string[]> {
  await importAdvisories(
    catalogue.store,
    ['npm', 'pypi'].map((e) => parseAdvisorySource(join(corpusDir(), 'osv', e))),
    {},
  );
  const now = catalogue.now();
  const organisations = [
    { slug: 'bundesamt-beispiel', name: 'Bundesamt für Beispiele' },
    { slug: 'land-musterland', name: 'IT-Dienstleister Musterland' },
    ...(options.hostile ? [{ slug: 'hostile-org', name: hostileText }] : []),
  ];
  await catalogue.db
    .insertInto('organisations')
    .values(organisations.map((o) => ({ ...o, contact: null, created_at: now })))
    .execute();
  await catalogue.db
    .insertInto('users')
    .values({ id: 'seed', login: 'seed', display_name: 'seed', role: 'admin', created_at: now })
    .execute();
  const [node, python, distroless, debian, secrets] = [
    await scanFixture(catalogue, 'node-app'),
    await scanFixture(catalogue, 'python-app'),
    await scanFixture(catalogue, 'distroless-static'),
    await scanFixture(catalogue, 'debian-full'),
    await scanFixture(catalogue, 'debian-ssh-secrets'),
  ];
  const signing = testSigning();
  const names: string[] = [];
  const add = async (image: SeedImage, versions: readonly SeedVersion[]) => {
    await addImage(catalogue, signing, image, versions);
    names.push(image.name);
  };
  await add(
    {
      name: 'node-app',
      organisation: 'bundesamt-beispiel',
      description: {
        de: 'Node.js-Laufzeit mit Beispielanwendung, gehärtet',
        en: 'Node.js runtime with a sample application, hardened',
      },
      categories: ['runtime'],
      license: 'MIT',
      maintainer: 'Plattform-Team Beispiele',
    },
    [
      { tag: '1.0', scan: node, daysAgo: 40 },
      { tag: '1.1', scan: withFixes(node, 2), daysAgo: 3, verdict: true },
    ],
  );
  await add(
    {
      name: 'python-app',
      organisation: 'land-musterland',
      description: { de: 'Python-Fachanwendung auf Debian', en: 'Python application on Debian' },
      categories: ['application'],
      license: 'EUPL-1.2',
      maintainer: 'Fachverfahren Musterland',
    },
    [{ tag: '2.3', scan: python, daysAgo: 10, verdict: true }],
  );
  await add(
    {
      name: 'distroless-static',
      organisation: 'bundesamt-beispiel',
      description: {
        de: 'Minimales Basis-Image ohne Shell und Paketverwaltung für statische Programme',
        en: 'Minimal base image without shell or package manager for static programs',
      },
      categories: ['base'],
      license: 'Apache-2.0',
      maintainer: 'Plattform-Team Beispiele',
    },
    [{ tag: '12', scan: distroless, daysAgo: 5, verdict: true }],
  );
  await add(
    {
      name: 'debian-basis',
      organisation: 'land-musterland',
      description: { de: 'Debian-12-Basis-Image der Verwaltung', en: 'Debian 12 base image of the administration' },
      categories: ['base'],
      license: 'GPL-2.0-or-later',
      maintainer: 'Betrieb Musterland',
    },
    [{ tag: '12.8', scan: debian, daysAgo: 20, status: 'at-risk' }],
  );
  await add(
    {
      name: 'debian-werkzeuge',
      organisation: 'land-musterland',
      description: { de: 'Debian mit SSH-Werkzeugen für die Fehlersuche', en: 'Debian with SSH tools for debugging' },
      categories: ['tool'],
      license: 'GPL-2.0-or-later',
    },
    [{ tag: '1.0', scan: secrets, daysAgo: 60, status: 'suspended' }],
  );
  for (let i = 1; i <= (options.filler ?? 0); i++) {
    await add(
      {
        name: `demo-${String(i).padStart(2, '0')}`,
        organisation: 'bundesamt-beispiel',
        description: { de: `Demo-Image ${i} für die Seitenansicht`, en: `Demo image ${i} for paging` },
        categories: ['tool'],
        maintainer: 'Plattform-Team Beispiele',
      },
      [{ tag: '1', scan: distroless, daysAgo: 1 }],
    );
  }
  if (options.hostile)
    await add(
      {
        name: 'hostile-app',
        organisation: 'hostile-org',
        description: { de: hostileText, en: hostileText },
        categories: [hostileText],
        license: hostileText,
        source: 'javascript:window.__xss=1',
        contact: hostileText,
        repository: `registry.example.de/${hostileText}`,
        maintainer: hostileText,
      },
      [{ tag: hostileText, scan: hostile(node), daysAgo: 2 }],
    );
  return names;
}
