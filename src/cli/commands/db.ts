import { type Command, Option } from 'commander';
import { openStore } from '../../store/index.ts';
import {
  defaultEcosystems,
  defaultOsvMirror,
  importAdvisories,
  parseAdvisorySource,
  updateFeeds,
} from '../../vuln/index.ts';
import { collect } from '../options.ts';
import { writeOut } from '../output.ts';

/** `sgci db import|update|status`: the offline OSV advisory database (PGlite under $SGCI_HOME, or DATABASE_URL). */
export function registerDb(program: Command): void {
  const db = program.command('db').description('manage the offline vulnerability database (OSV advisories)');
  db.command('import')
    .description(
      'import OSV records from JSON files, directories, osv.dev zip archives or http(s) URLs (one transaction)',
    )
    .argument('<source...>', 'file, directory, .zip or URL')
    .option('--skip-invalid', 'import the valid records and list the invalid ones instead of failing')
    .action(async (sources: string[], opts: { skipInvalid?: boolean }) => {
      await using store = await openStore();
      const result = await importAdvisories(store, sources.map(parseAdvisorySource), {
        skipInvalid: Boolean(opts.skipInvalid),
      });
      const lines = [
        `imported ${result.records} records (${result.written} new or updated, ${result.unchanged} unchanged, ${result.withdrawn} withdrawn) into ${store.location}`,
        ...result.invalid.map((p) => `skipped invalid ${p.source}${p.id ? ` (${p.id})` : ''}: ${p.message}`),
      ];
      await writeOut(`${lines.join('\n')}\n`);
    });
  db.command('update')
    .description('fetch each configured ecosystem’s all.zip from the mirror with conditional requests and import it')
    .option(
      '--mirror <url>',
      'base URL of an osv.dev bucket copy (env SGCI_OSV_MIRROR)',
      process.env.SGCI_OSV_MIRROR ?? defaultOsvMirror,
    )
    .option(
      '--ecosystem <name>',
      `an OSV ecosystem to fetch (repeatable; default $SGCI_OSV_ECOSYSTEMS, comma-separated, else ${defaultEcosystems.join(', ')})`,
      collect,
      [],
    )
    .option('--skip-invalid', 'import the valid records of an archive and skip invalid ones')
    .action(async (opts: { mirror: string; ecosystem: string[]; skipInvalid?: boolean }) => {
      await using store = await openStore();
      const updates = await updateFeeds(store, {
        mirror: opts.mirror,
        ecosystems:
          opts.ecosystem.length > 0
            ? opts.ecosystem
            : (process.env.SGCI_OSV_ECOSYSTEMS?.split(',').filter(Boolean) ?? [...defaultEcosystems]),
        skipInvalid: Boolean(opts.skipInvalid),
      });
      const lines = updates.map((u) =>
        u.status === 'not-modified'
          ? `${u.ecosystem}: not modified`
          : `${u.ecosystem}: ${u.result?.records ?? 0} records (${u.result?.written ?? 0} new or updated, ${u.result?.withdrawn ?? 0} withdrawn)`,
      );
      await writeOut(`${lines.join('\n')}\n`);
    });
  db.command('status')
    .description('show what the database holds: advisories per ecosystem, recent imports, feeds')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['table', 'json']).default('table'))
    .action(async (opts: { output: string }) => {
      await using store = await openStore();
      const status = await store.advisories.status();
      if (opts.output === 'json') {
        await writeOut(
          `${JSON.stringify({ database: { kind: store.kind, location: store.location }, ...status }, null, 2)}\n`,
        );
        return;
      }
      const lines = [
        `database: ${store.kind} ${store.location}`,
        `advisories: ${status.advisories}`,
        ...status.ecosystems.map((e) => `  ${e.ecosystem.padEnd(24)} ${e.advisories}`),
        ...(status.imports.length > 0 ? ['recent imports:'] : []),
        ...status.imports.map((i) => `  ${i.finishedAt}  ${i.records} records, ${i.withdrawn} withdrawn  ${i.source}`),
        ...(status.feeds.length > 0 ? ['feeds:'] : []),
        ...status.feeds.map((f) => `  ${f.url}  checked ${f.checkedAt}${f.etag ? `  etag ${f.etag}` : ''}`),
      ];
      await writeOut(`${lines.join('\n')}\n`);
    });
}
