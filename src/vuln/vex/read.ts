import { readFileSync, statSync } from 'node:fs';
import { describe, parseUntrustedJson, SgciError } from '../../core/index.ts';
import type { VexStatement, VexStatus } from '../types.ts';

type Json = Record<string, unknown>;
const maxVexBytes = 64 * 1024 * 1024;

const obj = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

function uniqueSorted(values: Iterable<string | undefined>): string[] {
  return [...new Set([...values].filter((v): v is string => Boolean(v)))].sort();
}

function withOptional(base: VexStatement, extra: Record<string, string | undefined>): VexStatement {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(extra)) if (v) out[k] = v;
  return out as unknown as VexStatement;
}

const openVexStatuses: readonly VexStatus[] = ['not_affected', 'affected', 'fixed', 'under_investigation'];

/** The product `toOpenVex` writes for a statement that names none: it applies to every product. */
const anyProduct = '*';

/** OpenVEX 0.2 (and 0.0.1, where vulnerability/products/subcomponents are plain strings). */
function readOpenVex(doc: Json, document: string): VexStatement[] {
  const author = str(doc.author);
  return arr(doc.statements).map((raw, index) => {
    const s = obj(raw);
    const status = str(s.status) as VexStatus | undefined;
    if (!status || !openVexStatuses.includes(status))
      throw new SgciError('VEX_INVALID', document, `statement ${index}: unknown status ${String(s.status)}`);
    const v = typeof s.vulnerability === 'string' ? { name: s.vulnerability } : obj(s.vulnerability);
    const id = str(v.name) ?? str(v['@id']);
    if (!id) throw new SgciError('VEX_INVALID', document, `statement ${index}: no vulnerability name`);
    const products: string[] = [];
    const subcomponents: string[] = [];
    for (const p of arr(s.products)) {
      if (typeof p === 'string') {
        products.push(p);
        continue;
      }
      const po = obj(p);
      products.push(...uniqueSorted([str(po['@id']), str(obj(po.identifiers).purl)]));
      for (const sc of arr(po.subcomponents))
        subcomponents.push(
          ...uniqueSorted(typeof sc === 'string' ? [sc] : [str(obj(sc)['@id']), str(obj(obj(sc).identifiers).purl)]),
        );
    }
    for (const sc of arr(s.subcomponents)) if (typeof sc === 'string') subcomponents.push(sc);
    if (status === 'not_affected' && !str(s.justification) && !str(s.impact_statement))
      throw new SgciError(
        'VEX_INVALID',
        document,
        `statement ${index} (${id}): not_affected needs a justification or impact_statement`,
      );
    return withOptional(
      {
        vulnerability: { id, aliases: uniqueSorted(arr(v.aliases).map(str)) },
        // `*` is how `sgci vex export` writes a statement for any product (OpenVEX requires a product): read it back so
        products: uniqueSorted(products).filter((p) => p !== anyProduct),
        subcomponents: uniqueSorted(subcomponents),
        status,
        document,
        format: 'openvex',
      },
      {
        id: str(s['@id']),
        justification: str(s.justification),
        impactStatement: str(s.impact_statement),
        actionStatement: str(s.action_statement),
        author,
        timestamp: str(s.timestamp) ?? str(s.last_updated) ?? str(doc.timestamp),
      },
    );
  });
}

const cdxStates: Readonly<Record<string, VexStatus>> = {
  resolved: 'fixed',
  resolved_with_pedigree: 'fixed',
  exploitable: 'affected',
  in_triage: 'under_investigation',
  false_positive: 'not_affected',
  not_affected: 'not_affected',
};

/** CycloneDX 1.4-1.6 `vulnerabilities[].analysis`; `affects[].ref` resolved to the referenced component's purl. */
function readCycloneDx(doc: Json, document: string): VexStatement[] {
  const purlOf = new Map<string, string>();
  const visit = (components: unknown) => {
    for (const c of arr(components)) {
      const co = obj(c);
      const ref = str(co['bom-ref']);
      const purl = str(co.purl);
      if (ref && purl) purlOf.set(ref, purl);
      visit(co.components);
    }
  };
  visit(doc.components);
  visit(obj(obj(doc.metadata).component).components);
  const meta = obj(doc.metadata);
  const metaRef = str(obj(meta.component)['bom-ref']);
  const metaPurl = str(obj(meta.component).purl);
  if (metaRef && metaPurl) purlOf.set(metaRef, metaPurl);
  const author = uniqueSorted(arr(meta.authors).map((a) => str(obj(a).name)))[0] ?? str(obj(meta.manufacture).name);
  const out: VexStatement[] = [];
  for (const raw of arr(doc.vulnerabilities)) {
    const v = obj(raw);
    const analysis = obj(v.analysis);
    const state = str(analysis.state);
    if (!state) continue;
    const status = cdxStates[state];
    if (!status) throw new SgciError('VEX_INVALID', document, `${String(v.id)}: unknown analysis state ${state}`);
    const id = str(v.id);
    if (!id) throw new SgciError('VEX_INVALID', document, 'vulnerability without id');
    const refs = arr(v.affects)
      .map((a) => str(obj(a).ref))
      .filter((r): r is string => Boolean(r));
    const resolved = refs.map((r) => purlOf.get(r) ?? r.replace(/^urn:cdx:[^#]*#/, ''));
    const isProduct = (r: string) => !r.startsWith('pkg:') || r.startsWith('pkg:oci/');
    out.push(
      withOptional(
        {
          vulnerability: { id, aliases: uniqueSorted(arr(v.references).map((r) => str(obj(r).id))) },
          products: uniqueSorted(resolved.filter(isProduct)),
          subcomponents: uniqueSorted(resolved.filter((r) => !isProduct(r))),
          status,
          document,
          format: 'cyclonedx',
        },
        {
          id: str(v['bom-ref']),
          justification: str(analysis.justification),
          impactStatement: str(analysis.detail),
          actionStatement: arr(analysis.response).map(str).filter(Boolean).join(', ') || undefined,
          author,
          timestamp: str(analysis.lastUpdated) ?? str(v.updated) ?? str(meta.timestamp),
        },
      ),
    );
  }
  return out;
}

const csafStatuses: readonly [string, VexStatus][] = [
  ['known_not_affected', 'not_affected'],
  ['fixed', 'fixed'],
  ['first_fixed', 'fixed'],
  ['known_affected', 'affected'],
  ['first_affected', 'affected'],
  ['last_affected', 'affected'],
  ['under_investigation', 'under_investigation'],
];

/**
 * product_id → `value` of the first entry (flag, threat, remediation) that lists the product, as a lookup per
 * product would find it. Built once per vulnerability: looked up per product, a document of 100k products and
 * 100k threats was 10^10 comparisons.
 */
function firstPerProduct(
  entries: readonly unknown[],
  value: (entry: Json) => string | undefined,
): Map<string, string | undefined> {
  const first = new Map<string, string | undefined>();
  for (const raw of entries) {
    const entry = obj(raw);
    for (const pid of arr(entry.product_ids))
      if (typeof pid === 'string' && !first.has(pid)) first.set(pid, value(entry));
  }
  return first;
}

/** CSAF 2.0 VEX profile: product_status per vulnerability, products resolved through the product tree. */
function readCsaf(doc: Json, document: string): VexStatement[] {
  const tree = obj(doc.product_tree);
  const names = new Map<string, string[]>();
  const addProduct = (p: unknown) => {
    const po = obj(p);
    const pid = str(po.product_id);
    if (!pid) return;
    const helper = obj(po.product_identification_helper);
    names.set(pid, uniqueSorted([str(helper.purl), ...arr(helper.purls).map(str), str(po.name)]));
  };
  const walk = (branches: unknown) => {
    for (const b of arr(branches)) {
      const bo = obj(b);
      if (bo.product) addProduct(bo.product);
      walk(bo.branches);
    }
  };
  walk(tree.branches);
  for (const p of arr(tree.full_product_names)) addProduct(p);
  /** product_id → { products, subcomponents } through `default_component_of` relationships. */
  const composite = new Map<string, { products: string[]; subcomponents: string[] }>();
  for (const r of arr(tree.relationships)) {
    const ro = obj(r);
    const pid = str(obj(ro.full_product_name).product_id);
    const component = str(ro.product_reference);
    const product = str(ro.relates_to_product_reference);
    if (!pid || !component || !product) continue;
    composite.set(pid, {
      products: names.get(product) ?? [product],
      subcomponents: (names.get(component) ?? []).filter((n) => n.startsWith('pkg:')),
    });
  }
  const tracking = obj(obj(doc.document).tracking);
  const author = str(obj(obj(doc.document).publisher).name);
  const timestamp = str(tracking.current_release_date);
  const out: VexStatement[] = [];
  for (const raw of arr(doc.vulnerabilities)) {
    const v = obj(raw);
    const ids = uniqueSorted([str(v.cve), ...arr(v.ids).map((i) => str(obj(i).text))]);
    const id = ids.find((i) => i.startsWith('CVE-')) ?? ids[0];
    if (!id) throw new SgciError('VEX_INVALID', document, 'vulnerability without cve or ids');
    const justifications = firstPerProduct(arr(v.flags), (f) => str(f.label));
    const impacts = firstPerProduct(
      arr(v.threats).filter((t) => obj(t).category === 'impact'),
      (t) => str(t.details),
    );
    const remediations = firstPerProduct(arr(v.remediations), (r) => str(r.details));
    const status = obj(v.product_status);
    for (const [key, vexStatus] of csafStatuses) {
      for (const pid of arr(status[key])
        .map(str)
        .filter((p): p is string => Boolean(p))) {
        const c = composite.get(pid);
        const justification = justifications.get(pid);
        const impact = impacts.get(pid);
        if (vexStatus === 'not_affected' && !justification && !impact)
          throw new SgciError(
            'VEX_INVALID',
            document,
            `${id} ${pid}: known_not_affected needs a flag or impact threat`,
          );
        out.push(
          withOptional(
            {
              vulnerability: { id, aliases: ids.filter((i) => i !== id) },
              products: uniqueSorted(c ? c.products : (names.get(pid) ?? [pid])),
              subcomponents: uniqueSorted(c ? c.subcomponents : []),
              status: vexStatus,
              document,
              format: 'csaf',
            },
            {
              id: `${id}/${pid}`,
              justification,
              impactStatement: impact,
              actionStatement: remediations.get(pid),
              author,
              timestamp,
            },
          ),
        );
      }
    }
  }
  return out;
}

/** Parses one VEX document of any supported format into normalised statements. */
export function parseVex(text: string, document: string): VexStatement[] {
  const doc = obj(parseUntrustedJson(text, document, 'VEX_INVALID', 'VEX document'));
  const context = str(doc['@context']) ?? '';
  if (context.startsWith('https://openvex.dev/ns')) return readOpenVex(doc, document);
  if (doc.bomFormat === 'CycloneDX') return readCycloneDx(doc, document);
  if (str(obj(doc.document).csaf_version)) return readCsaf(doc, document);
  throw new SgciError('VEX_INVALID', document, 'not an OpenVEX, CycloneDX or CSAF document');
}

export function readVexFile(path: string): VexStatement[] {
  let text: string;
  try {
    const size = statSync(path).size;
    if (size > maxVexBytes) throw new SgciError('LIMIT_EXCEEDED', path, `VEX document exceeds ${maxVexBytes} bytes`);
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (error instanceof SgciError) throw error;
    throw new SgciError('SOURCE_NOT_FOUND', path, `cannot read VEX document: ${describe(error)}`, { cause: error });
  }
  return parseVex(text, path);
}
