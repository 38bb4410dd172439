/**
 * The explicit list of hardening checks, in catalogue order (../shared/spec/checks.md).
 * registry.test.ts keeps this list, the check files and the catalogue's IDs identical.
 */
import { base001 } from './base/base-001-minimal-image.ts';
import { base002 } from './base/base-002-provenance-verified.ts';
import { base003 } from './base/base-003-pinned-by-digest.ts';
import { base004 } from './base/base-004-kept-up-to-date.ts';
import { base005 } from './base/base-005-allowed-by-policy.ts';
import { base006 } from './base/base-006-quality-criteria.ts';
import { build001 } from './build/build-001-reproducible.ts';
import { build002 } from './build/build-002-isolated-build.ts';
import { build003 } from './build/build-003-provenance-attested.ts';
import { build004 } from './build/build-004-image-signed.ts';
import { build005 } from './build/build-005-no-build-dependencies.ts';
import { build006 } from './build/build-006-build-instructions-public.ts';
import { build007 } from './build/build-007-release-changelog.ts';
import { build008 } from './build/build-008-testing.ts';
import { build009 } from './build/build-009-memory-safety.ts';
import { build010 } from './build/build-010-peer-review.ts';
import { build011 } from './build/build-011-source-packages.ts';
import { build012 } from './build/build-012-runtime-dependencies-included.ts';
import type { Check } from './check.ts';
import { comp001 } from './comp/comp-001-components-identified.ts';
import { comp002 } from './comp/comp-002-purls-matchable.ts';
import { comp003 } from './comp/comp-003-checksums-verified.ts';
import { comp004 } from './comp/comp-004-components-updated.ts';
import { comp005 } from './comp/comp-005-automatic-updates.ts';
import { comp006 } from './comp/comp-006-no-remote-access.ts';
import { run001 } from './run/run-001-resource-limits.ts';
import { run002 } from './run/run-002-non-root.ts';
import { run003 } from './run/run-003-security-profile.ts';
import { run004 } from './run/run-004-read-only-rootfs.ts';
import { run005 } from './run/run-005-ephemeral-volumes.ts';
import { run006 } from './run/run-006-read-only-volumes.ts';
import { run007 } from './run/run-007-restart-migration.ts';
import { run008 } from './run/run-008-health-probes.ts';
import { run009 } from './run/run-009-arbitrary-uids.ts';
import { run010 } from './run/run-010-immutable.ts';
import { run011 } from './run/run-011-no-privileged-mode.ts';
import { run012 } from './run/run-012-no-host-ids.ts';
import { run013 } from './run/run-013-forensic-logging.ts';
import { run014 } from './run/run-014-logs-to-stdout.ts';
import { sec001 } from './sec/sec-001-no-secrets.ts';
import { vuln001 } from './vuln/vuln-001-sbom-attested.ts';
import { vuln002 } from './vuln/vuln-002-sla.ts';
import { vuln003 } from './vuln/vuln-003-vex-attested.ts';
import { vuln004 } from './vuln/vuln-004-no-critical.ts';

export const checks: readonly Check[] = [
  base001,
  base002,
  base003,
  base004,
  base005,
  base006,
  build001,
  build002,
  build003,
  build004,
  build005,
  build006,
  build007,
  build008,
  build009,
  build010,
  build011,
  build012,
  comp001,
  comp002,
  comp003,
  comp004,
  comp005,
  comp006,
  sec001,
  run001,
  run002,
  run003,
  run004,
  run005,
  run006,
  run007,
  run008,
  run009,
  run010,
  run011,
  run012,
  run013,
  run014,
  vuln001,
  vuln002,
  vuln003,
  vuln004,
];

export function checkById(id: string): Check | undefined {
  return checks.find((c) => c.id === id);
}
