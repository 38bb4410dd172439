import { createHash } from 'node:crypto';
import type { VexStatement } from '../types.ts';

const justifications = new Set([
  'component_not_present',
  'vulnerable_code_not_present',
  'vulnerable_code_not_in_execute_path',
  'vulnerable_code_cannot_be_controlled_by_adversary',
  'inline_mitigations_already_exist',
]);

export function isOpenVexJustification(value: string): boolean {
  return justifications.has(value);
}

/** An OpenVEX 0.2 document of the statements; `@id` derives from the content, so the same statements give the same document. */
export function toOpenVex(statements: readonly VexStatement[], options: { author: string; timestamp: string }): string {
  const body = statements.map((s) => ({
    vulnerability: {
      name: s.vulnerability.id,
      ...(s.vulnerability.aliases.length > 0 ? { aliases: s.vulnerability.aliases } : {}),
    },
    ...(s.timestamp ? { timestamp: s.timestamp } : {}),
    products: (s.products.length > 0 ? s.products : ['*']).map((p) => ({
      '@id': p,
      ...(s.subcomponents.length > 0 ? { subcomponents: s.subcomponents.map((c) => ({ '@id': c })) } : {}),
    })),
    status: s.status,
    ...(s.justification ? { justification: s.justification } : {}),
    ...(s.impactStatement ? { impact_statement: s.impactStatement } : {}),
    ...(s.actionStatement ? { action_statement: s.actionStatement } : {}),
  }));
  const id = createHash('sha256').update(JSON.stringify(body)).digest('hex');
  return `${JSON.stringify(
    {
      '@context': 'https://openvex.dev/ns/v0.2.0',
      '@id': `https://openvex.dev/docs/public/vex-${id}`,
      author: options.author,
      timestamp: options.timestamp,
      version: 1,
      statements: body,
    },
    null,
    2,
  )}\n`;
}

const cdxState: Readonly<Record<VexStatement['status'], string>> = {
  not_affected: 'not_affected',
  affected: 'exploitable',
  fixed: 'resolved',
  under_investigation: 'in_triage',
};

const cdxJustification: Readonly<Record<string, string>> = {
  component_not_present: 'code_not_present',
  vulnerable_code_not_present: 'code_not_present',
  vulnerable_code_not_in_execute_path: 'code_not_reachable',
  vulnerable_code_cannot_be_controlled_by_adversary: 'protected_by_mitigating_control',
  inline_mitigations_already_exist: 'protected_by_mitigating_control',
};

/** A CycloneDX 1.6 VEX BOM: one vulnerability per statement, `affects` naming the subcomponent (else product) purls. */
export function toCycloneDxVex(
  statements: readonly VexStatement[],
  options: { author: string; timestamp: string; serialNumber: string },
): string {
  const vulnerabilities = statements.map((s, i) => {
    const targets = s.subcomponents.length > 0 ? s.subcomponents : s.products;
    return {
      'bom-ref': `vex-${i + 1}`,
      id: s.vulnerability.id,
      ...(s.vulnerability.aliases.length > 0
        ? { references: s.vulnerability.aliases.map((a) => ({ id: a, source: { name: a.split('-')[0] } })) }
        : {}),
      analysis: {
        state: cdxState[s.status],
        ...(s.justification && cdxJustification[s.justification]
          ? { justification: cdxJustification[s.justification] }
          : {}),
        ...(s.impactStatement ? { detail: s.impactStatement } : {}),
        ...(s.timestamp ? { lastUpdated: s.timestamp } : {}),
      },
      affects: targets.map((ref) => ({ ref })),
    };
  });
  return `${JSON.stringify(
    {
      bomFormat: 'CycloneDX',
      specVersion: '1.6',
      serialNumber: options.serialNumber,
      version: 1,
      metadata: {
        timestamp: options.timestamp,
        authors: [{ name: options.author }],
        tools: { components: [{ type: 'application', name: 'sgci' }] },
      },
      vulnerabilities,
    },
    null,
    2,
  )}\n`;
}

const csafStatus: Readonly<Record<VexStatement['status'], string>> = {
  not_affected: 'known_not_affected',
  affected: 'known_affected',
  fixed: 'fixed',
  under_investigation: 'under_investigation',
};

/** The id a CSAF vulnerability is filed under: its CVE when it has one (CSAF allows one `cve` per entry), else its id. */
function csafKey(statement: VexStatement): string {
  return (
    [statement.vulnerability.id, ...statement.vulnerability.aliases].find((id) => id.startsWith('CVE-')) ??
    statement.vulnerability.id
  );
}

/** Numbers each distinct text in order of first use: `CSAFPID-<prefix><n>`. */
function idsOf(prefix: string): (text: string) => string {
  const ids = new Map<string, string>();
  return (text) => {
    let id = ids.get(text);
    if (id === undefined) {
      id = `CSAFPID-${prefix}${ids.size + 1}`;
      ids.set(text, id);
    }
    return id;
  };
}

/** product_ids grouped by a value (justification, impact, action): one flag, threat or remediation per value. */
function grouped(entries: Iterable<[string, string]>): [string, string[]][] {
  const groups = new Map<string, string[]>();
  for (const [value, pid] of entries) groups.set(value, [...(groups.get(value) ?? []), pid]);
  return [...groups];
}

export interface CsafOptions {
  /** The publisher's name and its namespace URL. */
  readonly publisher: { readonly name: string; readonly namespace: string };
  readonly title: string;
  readonly trackingId: string;
  readonly timestamp: string;
  readonly generator: { readonly name: string; readonly version: string };
}

/**
 * A CSAF 2.0 document of the `csaf_vex` profile: one vulnerability per CVE (or id without one), each statement's
 * products (and components in them, as `default_component_of` relationships) under its product status, with a flag
 * or impact threat for `known_not_affected` and a remediation for `known_affected`, as the profile requires. Where
 * two statements give one product two states, the later one stands (CSAF forbids contradicting states).
 */
export function toCsafVex(statements: readonly VexStatement[], options: CsafOptions): string {
  const productId = idsOf('P');
  const componentId = idsOf('C');
  const names = new Map<string, string>();
  const relationships = new Map<string, { product: string; component: string }>();
  const byKey = new Map<string, { ids: Set<string>; byProduct: Map<string, VexStatement> }>();
  for (const s of statements) {
    const products = s.products.length > 0 ? s.products : ['*'];
    const key = csafKey(s);
    const entry = byKey.get(key) ?? { ids: new Set<string>(), byProduct: new Map<string, VexStatement>() };
    byKey.set(key, entry);
    for (const id of [s.vulnerability.id, ...s.vulnerability.aliases]) if (id !== key) entry.ids.add(id);
    for (const product of products) {
      const p = productId(product);
      names.set(p, product);
      if (s.subcomponents.length === 0) {
        entry.byProduct.set(p, s);
        continue;
      }
      for (const component of s.subcomponents) {
        const c = componentId(component);
        names.set(c, component);
        const pc = `${p}:${c.slice('CSAFPID-'.length)}`;
        relationships.set(pc, { product: p, component: c });
        entry.byProduct.set(pc, s);
      }
    }
  }
  const fullName = (id: string) => {
    const name = names.get(id) ?? id;
    return {
      product_id: id,
      name,
      ...(name.startsWith('pkg:') ? { product_identification_helper: { purl: name } } : {}),
    };
  };
  const vulnerabilities = [...byKey].map(([key, { ids, byProduct }]) => {
    const status: Record<string, string[]> = {};
    for (const [pid, s] of byProduct) status[csafStatus[s.status]] = [...(status[csafStatus[s.status]] ?? []), pid];
    const entries = [...byProduct];
    const flags = grouped(
      entries.flatMap(([pid, s]): [string, string][] =>
        s.status === 'not_affected' && s.justification && justifications.has(s.justification)
          ? [[s.justification, pid]]
          : [],
      ),
    );
    const threats = grouped(
      entries.flatMap(([pid, s]): [string, string][] => {
        if (s.impactStatement) return [[s.impactStatement, pid]];
        // a justification CSAF has no flag for (CycloneDX's own) still explains the state
        if (s.status === 'not_affected' && s.justification && !justifications.has(s.justification))
          return [[`justification: ${s.justification}`, pid]];
        return [];
      }),
    );
    const remediations = grouped(
      entries.flatMap(([pid, s]): [string, string][] =>
        s.actionStatement ? [[s.actionStatement, pid]] : s.status === 'affected' ? [['', pid]] : [],
      ),
    );
    const others = [...ids].sort();
    return {
      ...(key.startsWith('CVE-') ? { cve: key } : {}),
      ...(others.length > 0 || !key.startsWith('CVE-')
        ? {
            ids: (key.startsWith('CVE-') ? others : [key, ...others]).map((text) => ({
              system_name: text.split('-')[0] ?? text,
              text,
            })),
          }
        : {}),
      notes: [{ category: 'description', title: 'Vulnerability', text: [key, ...others].join(', ') }],
      product_status: status,
      ...(flags.length > 0 ? { flags: flags.map(([label, product_ids]) => ({ label, product_ids })) } : {}),
      ...(threats.length > 0
        ? { threats: threats.map(([details, product_ids]) => ({ category: 'impact', details, product_ids })) }
        : {}),
      ...(remediations.length > 0
        ? {
            remediations: remediations.map(([details, product_ids]) =>
              details
                ? { category: 'mitigation', details, product_ids }
                : { category: 'none_available', details: 'No action statement was given.', product_ids },
            ),
          }
        : {}),
    };
  });
  return `${JSON.stringify(
    {
      document: {
        category: 'csaf_vex',
        csaf_version: '2.0',
        notes: [{ category: 'summary', title: 'VEX', text: options.title }],
        publisher: { category: 'other', name: options.publisher.name, namespace: options.publisher.namespace },
        title: options.title,
        tracking: {
          current_release_date: options.timestamp,
          generator: { date: options.timestamp, engine: options.generator },
          id: options.trackingId,
          initial_release_date: options.timestamp,
          revision_history: [{ date: options.timestamp, number: '1', summary: 'Initial version.' }],
          status: 'final',
          version: '1',
        },
      },
      product_tree: {
        full_product_names: [...names.keys()].map(fullName),
        ...(relationships.size > 0
          ? {
              relationships: [...relationships].map(([id, { product, component }]) => ({
                category: 'default_component_of',
                full_product_name: { product_id: id, name: `${names.get(component)} in ${names.get(product)}` },
                product_reference: component,
                relates_to_product_reference: product,
              })),
            }
          : {}),
      },
      vulnerabilities,
    },
    null,
    2,
  )}\n`;
}
