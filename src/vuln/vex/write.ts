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
