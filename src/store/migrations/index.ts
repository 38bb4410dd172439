import type { Migration, MigrationProvider } from 'kysely';
import * as advisories from './0001-advisories.ts';
import * as vex from './0002-vex.ts';
import * as importTotals from './0003-import-totals.ts';
import * as packageAffected from './0004-package-affected.ts';
import * as scanResults from './0005-scan-results.ts';
import * as severities from './0006-severities.ts';
import * as ecosystemTotals from './0007-ecosystem-totals.ts';
import * as monitor from './0008-monitor.ts';

/**
 * Every migration, in order. Names are permanent: kysely records them in `kysely_migration`.
 * Add new ones at the end (images, scans, findings, jobs …); never edit one that has shipped.
 */
export const migrations: Readonly<Record<string, Migration>> = {
  '0001-advisories': advisories,
  '0002-vex': vex,
  '0003-import-totals': importTotals,
  '0004-package-affected': packageAffected,
  '0005-scan-results': scanResults,
  '0006-severities': severities,
  '0007-ecosystem-totals': ecosystemTotals,
  '0008-monitor': monitor,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => ({ ...migrations }),
};
