/**
 * A JSON Schema (draft-07) for CSAF 2.0 documents of the VEX profile, written by the sgci team from the OASIS
 * specification text ("Common Security Advisory Framework Version 2.0", OASIS Standard): §3.1 (definitions: product
 * ids, full product names with identification helper, notes), §3.2.1 (document: category, csaf_version, lang,
 * publisher, title, tracking with generator and revision history), §3.2.2 (product tree: full product names,
 * relationships), §3.2.3 (vulnerabilities: cve, ids, notes, product status, flags, threats, remediations) and §4.5
 * (profile 5: VEX). The official schema file may not be vendored here (nothing fetched from public repositories is
 * committed); sgci's output was also checked against it when the writer was made. Parts sgci never writes (CVSS
 * scores, branches, acknowledgments, references …) are only checked to be of their JSON type.
 *
 * `csafVexProblems` checks the profile's rules a schema cannot state: every product id used is defined (test
 * 6.1.1), none is defined twice (6.1.2), no product has two statuses (6.1.6), each known_not_affected product has an
 * impact statement (6.1.27.9) and each known_affected one an action statement (6.1.27.10).
 */

const text = { type: 'string', minLength: 1 } as const;
const dateTime = { type: 'string', format: 'date-time' } as const;
const version = { type: 'string', pattern: '^(0|[1-9][0-9]*)$' } as const;
const productIds = { type: 'array', minItems: 1, uniqueItems: true, items: text } as const;
const anObject = { type: 'object' } as const;

const fullProductName = {
  type: 'object',
  required: ['name', 'product_id'],
  additionalProperties: false,
  properties: {
    name: text,
    product_id: text,
    product_identification_helper: {
      type: 'object',
      minProperties: 1,
      additionalProperties: false,
      properties: {
        cpe: text,
        purl: { type: 'string', pattern: '^pkg:', minLength: 4 },
        hashes: { type: 'array' },
        model_numbers: { type: 'array' },
        sbom_urls: { type: 'array' },
        serial_numbers: { type: 'array' },
        skus: { type: 'array' },
        x_generic_uris: { type: 'array' },
      },
    },
  },
} as const;

const notes = {
  type: 'array',
  minItems: 1,
  items: {
    type: 'object',
    required: ['category', 'text'],
    additionalProperties: false,
    properties: {
      audience: text,
      category: { enum: ['description', 'details', 'faq', 'general', 'legal_disclaimer', 'other', 'summary'] },
      text,
      title: text,
    },
  },
} as const;

export const csaf20VexSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  required: ['document', 'product_tree', 'vulnerabilities'],
  additionalProperties: false,
  properties: {
    document: {
      type: 'object',
      required: ['category', 'csaf_version', 'publisher', 'title', 'tracking'],
      additionalProperties: false,
      properties: {
        acknowledgments: { type: 'array' },
        aggregate_severity: anObject,
        category: { const: 'csaf_vex' },
        csaf_version: { const: '2.0' },
        distribution: anObject,
        lang: { type: 'string', pattern: '^[a-zA-Z]{2,3}(-.+)?$' },
        notes,
        publisher: {
          type: 'object',
          required: ['category', 'name', 'namespace'],
          additionalProperties: false,
          properties: {
            category: { enum: ['coordinator', 'discoverer', 'other', 'translator', 'user', 'vendor'] },
            contact_details: text,
            issuing_authority: text,
            name: text,
            namespace: { type: 'string', format: 'uri' },
          },
        },
        references: { type: 'array' },
        source_lang: { type: 'string' },
        title: text,
        tracking: {
          type: 'object',
          required: ['current_release_date', 'id', 'initial_release_date', 'revision_history', 'status', 'version'],
          additionalProperties: false,
          properties: {
            aliases: { type: 'array' },
            current_release_date: dateTime,
            generator: {
              type: 'object',
              required: ['engine'],
              additionalProperties: false,
              properties: {
                date: dateTime,
                engine: {
                  type: 'object',
                  required: ['name'],
                  additionalProperties: false,
                  properties: { name: text, version: text },
                },
              },
            },
            id: { type: 'string', pattern: '^[\\S](.*[\\S])?$' },
            initial_release_date: dateTime,
            revision_history: {
              type: 'array',
              minItems: 1,
              items: {
                type: 'object',
                required: ['date', 'number', 'summary'],
                additionalProperties: false,
                properties: { date: dateTime, legacy_version: text, number: version, summary: text },
              },
            },
            status: { enum: ['draft', 'final', 'interim'] },
            version,
          },
        },
      },
    },
    product_tree: {
      type: 'object',
      minProperties: 1,
      additionalProperties: false,
      properties: {
        branches: { type: 'array' },
        full_product_names: { type: 'array', minItems: 1, items: fullProductName },
        product_groups: { type: 'array' },
        relationships: {
          type: 'array',
          minItems: 1,
          items: {
            type: 'object',
            required: ['category', 'full_product_name', 'product_reference', 'relates_to_product_reference'],
            additionalProperties: false,
            properties: {
              category: {
                enum: [
                  'default_component_of',
                  'external_component_of',
                  'installed_on',
                  'installed_with',
                  'optional_component_of',
                ],
              },
              full_product_name: fullProductName,
              product_reference: text,
              relates_to_product_reference: text,
            },
          },
        },
      },
    },
    vulnerabilities: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        // profile VEX: an id (cve or ids), notes, and a product status of the four the profile names
        required: ['notes', 'product_status'],
        anyOf: [{ required: ['cve'] }, { required: ['ids'] }],
        additionalProperties: false,
        properties: {
          acknowledgments: { type: 'array' },
          cve: { type: 'string', pattern: '^CVE-[0-9]{4}-[0-9]{4,}$' },
          cwe: anObject,
          discovery_date: dateTime,
          flags: {
            type: 'array',
            minItems: 1,
            items: {
              type: 'object',
              required: ['label'],
              additionalProperties: false,
              properties: {
                date: dateTime,
                group_ids: productIds,
                label: {
                  enum: [
                    'component_not_present',
                    'inline_mitigations_already_exist',
                    'vulnerable_code_cannot_be_controlled_by_adversary',
                    'vulnerable_code_not_in_execute_path',
                    'vulnerable_code_not_present',
                  ],
                },
                product_ids: productIds,
              },
            },
          },
          ids: {
            type: 'array',
            minItems: 1,
            items: {
              type: 'object',
              required: ['system_name', 'text'],
              additionalProperties: false,
              properties: { system_name: text, text },
            },
          },
          involvements: { type: 'array' },
          notes,
          product_status: {
            type: 'object',
            anyOf: ['fixed', 'known_affected', 'known_not_affected', 'under_investigation'].map((k) => ({
              required: [k],
            })),
            additionalProperties: false,
            properties: Object.fromEntries(
              [
                'first_affected',
                'first_fixed',
                'fixed',
                'known_affected',
                'known_not_affected',
                'last_affected',
                'recommended',
                'under_investigation',
              ].map((k) => [k, productIds]),
            ),
          },
          references: { type: 'array' },
          release_date: dateTime,
          remediations: {
            type: 'array',
            minItems: 1,
            items: {
              type: 'object',
              required: ['category', 'details'],
              additionalProperties: false,
              properties: {
                category: { enum: ['mitigation', 'no_fix_planned', 'none_available', 'vendor_fix', 'workaround'] },
                date: dateTime,
                details: text,
                entitlements: { type: 'array' },
                group_ids: productIds,
                product_ids: productIds,
                restart_required: anObject,
                url: { type: 'string', format: 'uri' },
              },
            },
          },
          scores: { type: 'array' },
          threats: {
            type: 'array',
            minItems: 1,
            items: {
              type: 'object',
              required: ['category', 'details'],
              additionalProperties: false,
              properties: {
                category: { enum: ['exploit_status', 'impact', 'target_set'] },
                date: dateTime,
                details: text,
                group_ids: productIds,
                product_ids: productIds,
              },
            },
          },
          title: text,
        },
      },
    },
  },
} as const;

interface Branch {
  product?: { product_id: string };
  branches?: Branch[];
}

interface CsafVex {
  product_tree: {
    branches?: Branch[];
    full_product_names?: { product_id: string }[];
    relationships?: {
      full_product_name: { product_id: string };
      product_reference: string;
      relates_to_product_reference: string;
    }[];
  };
  vulnerabilities: {
    product_status: Record<string, string[]>;
    flags?: { product_ids?: string[] }[];
    threats?: { category: string; product_ids?: string[] }[];
    remediations?: { product_ids?: string[] }[];
  }[];
}

/** The profile's rules beyond the schema (tests 6.1.1, 6.1.2, 6.1.6, 6.1.27.9, 6.1.27.10), as messages. */
export function csafVexProblems(document: unknown): string[] {
  const doc = document as CsafVex;
  const problems: string[] = [];
  const inBranches = (branches: readonly Branch[] = []): string[] =>
    branches.flatMap((b) => [...(b.product ? [b.product.product_id] : []), ...inBranches(b.branches)]);
  const defined = [
    ...inBranches(doc.product_tree.branches),
    ...(doc.product_tree.full_product_names ?? []).map((p) => p.product_id),
    ...(doc.product_tree.relationships ?? []).map((r) => r.full_product_name.product_id),
  ];
  const known = new Set(defined);
  if (known.size !== defined.length) problems.push('6.1.2: a product id is defined twice');
  for (const r of doc.product_tree.relationships ?? [])
    for (const ref of [r.product_reference, r.relates_to_product_reference])
      if (!known.has(ref)) problems.push(`6.1.1: relationship refers to undefined ${ref}`);
  for (const [i, v] of doc.vulnerabilities.entries()) {
    const statusOf = new Map<string, string>();
    for (const [status, ids] of Object.entries(v.product_status)) {
      for (const id of ids) {
        if (!known.has(id)) problems.push(`6.1.1: vulnerabilities[${i}] names undefined ${id}`);
        // `recommended` is no status: a product may be recommended and fixed at once
        if (status === 'recommended') continue;
        const affected = ['first_affected', 'known_affected', 'last_affected'].includes(status);
        const group = affected ? 'affected' : status === 'first_fixed' ? 'fixed' : status;
        const held = statusOf.get(id);
        if (held && held !== group) problems.push(`6.1.6: ${id} is both ${held} and ${group}`);
        statusOf.set(id, group);
      }
    }
    const flagged = new Set((v.flags ?? []).flatMap((f) => f.product_ids ?? []));
    const impacts = new Set(
      (v.threats ?? []).filter((t) => t.category === 'impact').flatMap((t) => t.product_ids ?? []),
    );
    for (const id of v.product_status.known_not_affected ?? [])
      if (!flagged.has(id) && !impacts.has(id)) problems.push(`6.1.27.9: ${id} has no impact statement`);
    const actions = new Set((v.remediations ?? []).flatMap((r) => r.product_ids ?? []));
    for (const id of v.product_status.known_affected ?? [])
      if (!actions.has(id)) problems.push(`6.1.27.10: ${id} has no action statement`);
  }
  return problems;
}
