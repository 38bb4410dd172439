import { type Command, Option } from 'commander';
import { SgciError } from '../../core/index.ts';
import { openLookups, openStore, storeExists, storeLocation } from '../../store/index.ts';
import { collect } from '../flags.ts';
import { writeOut } from '../output.ts';

/** `db update --index`: fetch, verify against the key, install; one line for the user. */
async function updateFromIndexCli(index: string, key: string | undefined): Promise<string> {
  if (!key) throw new SgciError('USAGE', index, '--index needs --key: the public key the index is signed with');
  const [{ loadPublicKey }, { updateFromIndex }] = await Promise.all([
    import('../../attest/index.ts'),
    import('../../vuln/index.ts'),
  ]);
  const publicKey = await loadPublicKey(key);
  await using store = await openStore();
  const update = await updateFromIndex(store, { index, publicKey });
  if (update.status === 'not-modified' || !update.result) return `${index}: not modified`;
  const r = update.result;
  return `${index}: ${r.records} records (${r.written} new or updated, ${r.unchanged} unchanged, ${r.removed} removed) into ${store.location}`;
}

/**
 * `sgci db import|update|export|status`: the offline OSV advisory database (one SQLite file under $SGCI_HOME, or
 * DATABASE_URL). The importer, the feed client and the index signatures load inside their actions, so
 * `db status` pays only for the store.
 */
export function registerDb(program: Command): void {
  const db = program.command('db').description('manage the offline vulnerability database (OSV advisories)');
  db.command('import')
    .description(
      'import OSV records from JSON files, directories, osv.dev zip archives or http(s) URLs (one transaction)',
    )
    .argument('<source...>', 'file, directory, .zip or URL')
    .option('--skip-invalid', 'import the valid records and list the invalid ones instead of failing')
    .action(async (sources: string[], opts: { skipInvalid?: boolean }) => {
      const { importAdvisories, parseAdvisorySource } = await import('../../vuln/index.ts');
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
    .description(
      'fetch each configured ecosystem’s all.zip from the mirror with conditional requests and import it, or install a signed prebuilt index (--index)',
    )
    .option('--mirror <url>', 'base URL of an osv.dev bucket copy (env SGCI_OSV_MIRROR; default osv.dev’s bucket)')
    .option(
      '--ecosystem <name>',
      'an OSV ecosystem to fetch (repeatable; default $SGCI_OSV_ECOSYSTEMS, comma-separated, else Alpine, Debian, Go, Maven, npm, PyPI)',
      collect,
      [],
    )
    .option('--skip-invalid', 'import the valid records of an archive and skip invalid ones')
    .option(
      '--index <url|file>',
      'instead of the mirror: one prebuilt index file (sgci db export), signed in <index>.sig (env SGCI_DB_INDEX)',
    )
    .option('--key <file>', 'public key the index must be signed with (cosign .pub or PEM; env SGCI_DB_INDEX_KEY)')
    .action(
      async (opts: { mirror?: string; ecosystem: string[]; skipInvalid?: boolean; index?: string; key?: string }) => {
        const index = opts.index ?? process.env.SGCI_DB_INDEX;
        if (index) {
          await writeOut(`${await updateFromIndexCli(index, opts.key ?? process.env.SGCI_DB_INDEX_KEY)}\n`);
          return;
        }
        const { updateFeeds } = await import('../../vuln/index.ts');
        const mirror = opts.mirror ?? process.env.SGCI_OSV_MIRROR;
        const ecosystems =
          opts.ecosystem.length > 0 ? opts.ecosystem : process.env.SGCI_OSV_ECOSYSTEMS?.split(',').filter(Boolean);
        await using store = await openStore();
        const updates = await updateFeeds(store, {
          ...(mirror ? { mirror } : {}),
          ...(ecosystems ? { ecosystems } : {}),
          skipInvalid: Boolean(opts.skipInvalid),
        });
        const lines = updates.map((u) =>
          u.status === 'not-modified'
            ? `${u.ecosystem}: not modified`
            : `${u.ecosystem}: ${u.result?.records ?? 0} records (${u.result?.written ?? 0} new or updated, ${u.result?.withdrawn ?? 0} withdrawn)`,
        );
        await writeOut(`${lines.join('\n')}\n`);
      },
    );
  db.command('export')
    .description(
      'write the advisories (not the VEX statements) as one compact SQLite file for `db update --index` elsewhere',
    )
    .argument('<file>', 'the index file to write (replaced atomically)')
    .option('--key <file>', 'private key to sign it with, writing <file>.sig (or sign with cosign sign-blob)')
    .action(async (file: string, opts: { key?: string }) => {
      const { loadSigner, readPassword } = await import('../../attest/index.ts');
      // the password is asked before the export, not after minutes of it
      const signer = opts.key
        ? await loadSigner(opts.key, () => readPassword('Enter password for private key: '))
        : undefined;
      await using store = await openStore({ readOnly: true });
      const exported = await store.exportIndex(file);
      const lines = [
        `exported ${exported.advisories} advisories to ${file} (${(exported.bytes / 1048576).toFixed(1)} MiB)`,
      ];
      if (signer) {
        const { signIndex } = await import('../../vuln/index.ts');
        lines.push(`signature written to ${await signIndex(file, signer)}`);
      }
      await writeOut(`${lines.join('\n')}\n`);
    });
  db.command('status')
    .description('show what the database holds: advisories per ecosystem, recent imports, feeds')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['table', 'json']).default('table'))
    .action(async (opts: { output: string }) => {
      const database = storeLocation();
      if (!storeExists()) {
        // never created by asking: shown as empty, with what to run
        await writeOut(
          opts.output === 'json'
            ? `${JSON.stringify({ database, advisories: 0, ecosystems: [], imports: [], feeds: [] }, null, 2)}\n`
            : `database: ${database.kind} ${database.location} (none yet: run sgci db import or sgci db update)\nadvisories: 0\n`,
        );
        return;
      }
      await using lookups = await openLookups();
      const status = await lookups.advisories.status();
      if (opts.output === 'json') {
        await writeOut(`${JSON.stringify({ database, ...status }, null, 2)}\n`);
        return;
      }
      const lines = [
        `database: ${database.kind} ${database.location}`,
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
