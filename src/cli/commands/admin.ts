import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { finished } from 'node:stream/promises';
import { type Command, Option } from 'commander';
import type { Actor, Catalogue } from '../../catalogue/index.ts';
import { SgciError, tempPathFor } from '../../core/index.ts';
import { collect } from '../flags.ts';
import { writeOut } from '../output.ts';

/** The operator at the console: the audit log names them `system`, as it does jobs. */
const operator: Actor = { kind: 'system' };

/** The catalogue the server uses: PGlite under $SGCI_HOME, or PostgreSQL when DATABASE_URL is set. */
async function withCatalogue<T>(fn: (catalogue: Catalogue) => Promise<T>): Promise<T> {
  const { openCatalogue } = await import('../../catalogue/index.ts');
  const catalogue = await openCatalogue();
  try {
    return await fn(catalogue);
  } finally {
    await catalogue.close();
  }
}

function expiryDays(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const days = Number(value);
  if (!/^\d{1,4}$/.test(value) || days < 1 || days > 3650)
    throw new SgciError('USAGE', '--expires', 'expected whole days, 1–3650');
  return days;
}

/** Writes the whole audit log as NDJSON, page by page, to stdout or atomically to a file. */
async function exportAudit(catalogue: Catalogue, after: string, output: string | undefined): Promise<number> {
  const { auditPage } = await import('../../catalogue/index.ts');
  const temp = output ? tempPathFor(output) : undefined;
  const file = temp ? createWriteStream(temp, { mode: 0o600 }) : undefined;
  const write = (text: string) =>
    file
      ? new Promise<void>((resolve, reject) => file.write(text, (error) => (error ? reject(error) : resolve())))
      : writeOut(text);
  let cursor = after;
  let count = 0;
  try {
    for (;;) {
      const page = await auditPage(catalogue.db, cursor, 1000);
      if (page.length === 0) break;
      await write(page.map((entry) => `${JSON.stringify(entry)}\n`).join(''));
      count += page.length;
      cursor = page.at(-1)?.id ?? cursor;
    }
    if (file && temp && output) {
      file.end();
      await finished(file);
      await rename(temp, output);
    }
  } catch (error) {
    file?.destroy();
    if (temp) await rm(temp, { force: true });
    throw error;
  }
  return count;
}

/**
 * `sgci admin user|org|token|audit`: bootstraps and administers the catalogue from the console, on the database
 * `sgci serve` uses. Every change writes the same audit events as the API.
 */
export function registerAdmin(program: Command): void {
  const admin = program
    .command('admin')
    .description('administer the catalogue: users, organisations, API tokens, the audit log');

  const user = admin.command('user').description('local users');
  user
    .command('add')
    .description('create a user with a global role, or a contributor of organisations')
    .argument('<login>', 'the login (a-z 0-9 . _ @ -)')
    .addOption(
      new Option('--role <role>', 'contributor (needs --org), reviewer or admin')
        .choices(['contributor', 'reviewer', 'admin'])
        .makeOptionMandatory(),
    )
    .option('--org <slug>', 'organisation the user contributes for (repeatable)', collect, [])
    .option('--name <display name>', 'the name shown (default: the login)')
    .option('--email <address>', 'e-mail address')
    .option('--password-stdin', 'read the password (at least 12 characters) from stdin; none: OIDC or tokens only')
    .action(
      async (
        login: string,
        opts: { role: string; org: string[]; name?: string; email?: string; passwordStdin?: boolean },
      ) => {
        if (opts.role === 'contributor' && opts.org.length === 0)
          throw new SgciError('USAGE', '--role', 'a contributor needs --org ORG');
        const { checkPasswordRules, createUser } = await import('../../catalogue/index.ts');
        let password: string | undefined;
        if (opts.passwordStdin) {
          const { readPasswordFromStdin } = await import('../options.ts');
          password = await readPasswordFromStdin();
          checkPasswordRules(password);
        }
        const created = await withCatalogue((catalogue) =>
          createUser(catalogue, operator, {
            login,
            role: opts.role === 'contributor' ? null : (opts.role as 'reviewer' | 'admin'),
            organisations: opts.org,
            ...(opts.name ? { displayName: opts.name } : {}),
            ...(opts.email ? { email: opts.email } : {}),
            ...(password !== undefined ? { password } : {}),
          }),
        );
        const orgs = opts.org.length > 0 ? ` of ${[...opts.org].sort().join(', ')}` : '';
        await writeOut(`created user ${created.login} (${opts.role}${orgs})\n`);
      },
    );
  user
    .command('disable')
    .description('disable a user: their sessions end, their tokens stop working')
    .argument('<login>')
    .action(async (login: string) => {
      const { disableUser } = await import('../../catalogue/index.ts');
      await withCatalogue((catalogue) => disableUser(catalogue, operator, login));
      await writeOut(`disabled user ${login.toLowerCase()}\n`);
    });

  const org = admin.command('org').description('organisations');
  org
    .command('add')
    .description('create an organisation')
    .argument('<slug>', 'URL name: a-z 0-9 -')
    .requiredOption('--name <name>', 'the organisation’s name')
    .option('--contact <contact>', 'how to reach it')
    .action(async (slug: string, opts: { name: string; contact?: string }) => {
      const { createOrganisation } = await import('../../catalogue/index.ts');
      await withCatalogue((catalogue) =>
        createOrganisation(catalogue, operator, { slug, name: opts.name, contact: opts.contact ?? null }),
      );
      await writeOut(`created organisation ${slug}\n`);
    });

  const token = admin.command('token').description('API tokens (Authorization: Bearer)');
  token
    .command('create')
    .description('create an API token acting as the user; prints the token once, on stdout, and nothing else')
    .argument('<login>', 'the user the token acts as')
    .option('--expires <days>', 'days until it expires (default: never)')
    .option('--label <text>', 'what it is for', 'created by sgci admin')
    .action(async (login: string, opts: { expires?: string; label: string }) => {
      const days = expiryDays(opts.expires);
      const { createApiToken } = await import('../../catalogue/index.ts');
      const created = await withCatalogue((catalogue) =>
        createApiToken(catalogue, operator, {
          login,
          label: opts.label,
          ...(days !== undefined ? { expiresInDays: days } : {}),
        }),
      );
      await writeOut(`${created.token}\n`);
    });
  token
    .command('revoke')
    .description('revoke an API token by its prefix (sgci_xxxxxxxx)')
    .argument('<prefix>')
    .action(async (prefix: string) => {
      const { revokeApiToken } = await import('../../catalogue/index.ts');
      await withCatalogue((catalogue) => revokeApiToken(catalogue, operator, prefix));
      await writeOut(`revoked ${prefix}\n`);
    });

  admin
    .command('audit')
    .description('the append-only audit log')
    .command('export')
    .description('write the audit log as NDJSON (one event per line, oldest first)')
    .option('--after <id>', 'only events after this id (the last id of a previous export)', '0')
    .option('-o, --output <file>', 'write to this file (replaced atomically) instead of stdout')
    .action(async (opts: { after: string; output?: string }) => {
      if (!/^\d{1,19}$/.test(opts.after)) throw new SgciError('USAGE', '--after', 'expected an event id');
      const count = await withCatalogue((catalogue) => exportAudit(catalogue, opts.after, opts.output));
      if (opts.output) process.stderr.write(`exported ${count} events to ${opts.output}\n`);
    });
}
