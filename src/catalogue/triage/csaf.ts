import { createHash } from 'node:crypto';
import type { VexStatement, VexStatus } from '../../vuln/index.ts';

/** Who publishes the document (`/document/publisher`): the catalogue, by its name and public URL. */
export interface CsafPublisher {
  readonly name: string;
  /** The catalogue's public URL. */
  readonly namespace: string;
}

export interface CsafOptions {
  readonly publisher: CsafPublisher;
  readonly title: string;
  /** The release date: the newest decision's time, so the same decisions give the same document. */
  readonly timestamp: string;
  /** A prefix for `/document/tracking/id`; a hash of the content completes it. */
  readonly trackingPrefix: string;
  /** A human-readable name per product purl (the image's catalogue name and digest). */
  readonly productNames?: Readonly<Record<string, string>>;
}

const productStatus: Readonly<Record<VexStatus, string>> = {
  not_affected: 'known_not_affected',
  affected: 'known_affected',
  fixed: 'fixed',
  under_investigation: 'under_investigation',
};

const cvePattern = /^CVE-[0-9]{4}-[0-9]{4,}$/;

/** The system that issues an id, for `/vulnerabilities[]/ids` (CSAF names CVEs in `cve`). */
function idSystem(id: string): string {
  const prefix = id.slice(0, id.indexOf('-'));
  const systems: Readonly<Record<string, string>> = {
    GHSA: 'GitHub Security Advisory',
    DSA: 'Debian Security Advisory',
    DLA: 'Debian LTS Advisory',
    PYSEC: 'Python Packaging Advisory Database',
    GO: 'Go Vulnerability Database',
    RUSTSEC: 'RustSec Advisory Database',
    OSV: 'OSV',
  };
  return systems[prefix] ?? prefix;
}

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * A CSAF 2.0 document of the VEX profile (`csaf_vex`, section 4.5): the images and packages in the product tree, a
 * package in an image as a `default_component_of` relationship, one vulnerability per id with the product status,
 * a flag per justification, an impact threat per impact statement and a remediation per action statement (the
 * profile's requirements for `known_not_affected` and `known_affected`), and each statement's source as a note.
 * Product ids are numbered in sorted order and the tracking id ends in a hash of the content: the same statements
 * give the same bytes. Needs at least one statement (the profile requires a vulnerability).
 */
export function toCsafVex(statements: readonly VexStatement[], options: CsafOptions): string {
  const products = [...new Set(statements.flatMap((s) => s.products))].sort(byText);
  const components = [...new Set(statements.flatMap((s) => s.subcomponents))].sort(byText);
  const productId = new Map(products.map((p, i) => [p, `CSAFPID-IMG-${i + 1}`]));
  const componentId = new Map(components.map((c, i) => [c, `CSAFPID-PKG-${i + 1}`]));
  const pairs = [
    ...new Set(statements.flatMap((s) => s.subcomponents.flatMap((c) => s.products.map((p) => `${c}\n${p}`)))),
  ].sort(byText);
  const pairId = new Map(pairs.map((pair, i) => [pair, `CSAFPID-${i + 1}`]));
  const named = (purl: string) => options.productNames?.[purl] ?? purl;
  const productTree = {
    full_product_names: [
      ...products.map((p) => ({
        name: named(p),
        product_id: productId.get(p) ?? '',
        product_identification_helper: { purl: p },
      })),
      ...components.map((c) => ({
        name: c,
        product_id: componentId.get(c) ?? '',
        product_identification_helper: { purl: c },
      })),
    ],
    ...(pairs.length > 0
      ? {
          relationships: pairs.map((pair) => {
            const [component = '', product = ''] = pair.split('\n');
            return {
              category: 'default_component_of',
              full_product_name: { name: `${component} in ${named(product)}`, product_id: pairId.get(pair) ?? '' },
              product_reference: componentId.get(component) ?? '',
              relates_to_product_reference: productId.get(product) ?? '',
            };
          }),
        }
      : {}),
  };
  const idsOf = (s: VexStatement): string[] =>
    s.subcomponents.length > 0
      ? s.subcomponents.flatMap((c) => s.products.map((p) => pairId.get(`${c}\n${p}`) ?? ''))
      : s.products.map((p) => productId.get(p) ?? '');
  // A product has one status per vulnerability (mandatory test 6.1.6): as when the statements are applied, the
  // newest decides, and of two with one timestamp the later.
  const owner = new Map<string, VexStatement>();
  for (const s of statements) {
    for (const pid of idsOf(s)) {
      const key = `${s.vulnerability.id}\n${pid}`;
      const held = owner.get(key);
      if (!held || (s.timestamp ?? '') >= (held.timestamp ?? '')) owner.set(key, s);
    }
  }
  const ownedIds = (s: VexStatement) => idsOf(s).filter((pid) => owner.get(`${s.vulnerability.id}\n${pid}`) === s);
  const byVulnerability = new Map<string, VexStatement[]>();
  for (const s of statements) {
    if (ownedIds(s).length === 0) continue;
    const list = byVulnerability.get(s.vulnerability.id) ?? [];
    list.push(s);
    byVulnerability.set(s.vulnerability.id, list);
  }
  const vulnerabilities = [...byVulnerability.entries()]
    .sort(([a], [b]) => byText(a, b))
    .map(([id, list]) => {
      const status: Record<string, string[]> = {};
      const flags: { label: string; product_ids: string[] }[] = [];
      const threats: { category: 'impact'; details: string; product_ids: string[] }[] = [];
      const remediations: { category: 'mitigation'; details: string; product_ids: string[] }[] = [];
      for (const s of list) {
        const ids = ownedIds(s);
        const key = productStatus[s.status];
        status[key] = [...new Set([...(status[key] ?? []), ...ids])].sort(byText);
        if (s.justification) flags.push({ label: s.justification, product_ids: ids });
        if (s.impactStatement) threats.push({ category: 'impact', details: s.impactStatement, product_ids: ids });
        if (s.actionStatement)
          remediations.push({ category: 'mitigation', details: s.actionStatement, product_ids: ids });
      }
      const aliases = [...new Set(list.flatMap((s) => s.vulnerability.aliases))].filter((a) => a !== id);
      const cve = [id, ...aliases].find((i) => cvePattern.test(i));
      const others = [id, ...aliases].filter((i) => i !== cve).sort(byText);
      return {
        ...(cve ? { cve } : {}),
        ...(others.length > 0 ? { ids: others.map((text) => ({ system_name: idSystem(text), text })) } : {}),
        notes: list.map((s) => ({
          category: 'details',
          title: 'Decision',
          text: `${s.document}${s.author ? `, by ${s.author}` : ''}${s.timestamp ? ` at ${s.timestamp}` : ''}`,
        })),
        product_status: status,
        ...(flags.length > 0 ? { flags } : {}),
        ...(threats.length > 0 ? { threats } : {}),
        ...(remediations.length > 0 ? { remediations } : {}),
      };
    });
  const body = { product_tree: productTree, vulnerabilities };
  const hash = createHash('sha256').update(JSON.stringify(body)).digest('hex').slice(0, 16);
  const document = {
    category: 'csaf_vex',
    csaf_version: '2.0',
    lang: 'en',
    publisher: { category: 'other', name: options.publisher.name, namespace: options.publisher.namespace },
    title: options.title,
    tracking: {
      current_release_date: options.timestamp,
      generator: { engine: { name: 'sgci' } },
      id: `${options.trackingPrefix}-${hash}`,
      initial_release_date: options.timestamp,
      revision_history: [{ date: options.timestamp, number: '1', summary: 'The catalogue decisions in force.' }],
      status: 'final',
      version: '1',
    },
  };
  return `${JSON.stringify({ document, ...body }, null, 2)}\n`;
}
