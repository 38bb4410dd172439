import { parsePolicy } from '../../src/policy/index.ts';

/**
 * An agency's policy that only warns where the node-app fixture falls short of the built-in one, so a version of it
 * reaches review (as in catalogue-submissions.test.ts): for suites about what happens after the scan.
 */
export const reviewablePolicy = parsePolicy(
  [
    'version: "1"',
    'checks:',
    ...[
      'SGCI-BASE-002',
      'SGCI-BASE-003',
      'SGCI-BUILD-007',
      'SGCI-COMP-004',
      'SGCI-RUN-008',
      'SGCI-RUN-009',
      'SGCI-VULN-002',
    ].map((id) => `  ${id}: warn`),
  ].join('\n'),
  'reviewable.yaml',
);
