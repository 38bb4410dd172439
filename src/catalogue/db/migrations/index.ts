import type { Migration, MigrationProvider } from 'kysely';
import * as catalogue from './0001-catalogue.ts';
import * as accounts from './0002-accounts.ts';
import * as findings from './0004-findings.ts';

/**
 * The catalogue's migrations, recorded in `catalogue_migration` (the advisory store keeps its own list in
 * `kysely_migration`). Names are permanent; add new ones at the end, never edit one that has shipped.
 */
export const catalogueMigrations: Readonly<Record<string, Migration>> = {
  '0001-catalogue': catalogue,
  '0002-accounts': accounts,
  '0004-findings': findings,
};

export const catalogueMigrationProvider: MigrationProvider = {
  getMigrations: async () => ({ ...catalogueMigrations }),
};
