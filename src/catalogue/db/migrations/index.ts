import type { Migration, MigrationProvider } from 'kysely';
import * as catalogue from './0001-catalogue.ts';
import * as accounts from './0002-accounts.ts';
import * as catalogueApi from './0003-catalogue-api.ts';
import * as findings from './0004-findings.ts';
import * as vexDecisions from './0005-vex-decisions.ts';
import * as webhooks from './0006-webhooks.ts';
import * as catalogueReads from './0008-catalogue-reads.ts';
import * as matchingInputs from './0009-matching-inputs.ts';
import * as checksDigest from './0010-checks-digest.ts';
import * as resultStorage from './0011-result-storage.ts';

/**
 * The catalogue's migrations, recorded in `catalogue_migration` (the advisory store keeps its own list in
 * `kysely_migration`). Names are permanent; add new ones at the end, never edit one that has shipped.
 */
export const catalogueMigrations: Readonly<Record<string, Migration>> = {
  '0001-catalogue': catalogue,
  '0002-accounts': accounts,
  '0003-catalogue-api': catalogueApi,
  '0004-findings': findings,
  '0005-vex-decisions': vexDecisions,
  '0006-webhooks': webhooks,
  '0008-catalogue-reads': catalogueReads,
  '0009-matching-inputs': matchingInputs,
  '0010-checks-digest': checksDigest,
  '0011-result-storage': resultStorage,
};

export const catalogueMigrationProvider: MigrationProvider = {
  getMigrations: async () => ({ ...catalogueMigrations }),
};
