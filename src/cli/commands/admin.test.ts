import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { catalogueEngines, TestCatalogues } from '../../../test/helpers/catalogue.ts';
import { runMain, runSgci } from '../../../test/helpers/cli.ts';
import { openCatalogue, passwordLogin, tokenPrincipal } from '../../catalogue/index.ts';

const password = 'correct horse battery staple';

for (const { engine, skip } of catalogueEngines) {
  describe(`sgci admin on ${engine}`, { skip }, () => {
    let home: string;
    let suite: TestCatalogues;
    let env: Record<string, string>;
    const unset = ['DATABASE_URL', 'SGCI_PASSWORD'];

    before(async () => {
      home = mkdtempSync(join(tmpdir(), 'sgci-admin-'));
      suite = new TestCatalogues(engine);
      // PGlite by default under $SGCI_HOME/db; PostgreSQL when DATABASE_URL is set, as `sgci serve` opens it
      const { databaseUrl } = engine === 'postgres' ? await suite.location() : { databaseUrl: undefined };
      env = { SGCI_HOME: home, ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) };
    });
    after(async () => {
      await suite[Symbol.asyncDispose]();
      rmSync(home, { recursive: true, force: true });
    });

    const opened = () =>
      openCatalogue(env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL } : { dataDir: join(home, 'db') });

    test('bootstraps a fresh installation: organisation, users, a token printed once', async () => {
      const org = await runMain(['admin', 'org', 'add', 'org-a', '--name', 'Organisation A'], { env, unset });
      assert.deepEqual([org.code, org.stdout, org.stderr], [0, 'created organisation org-a\n', '']);

      const alice = await runSgci(
        ['admin', 'user', 'add', 'Alice', '--role', 'contributor', '--org', 'org-a', '--password-stdin'],
        { env, unset, stdin: `${password}\n` },
      );
      assert.deepEqual(
        [alice.code, alice.stdout, alice.stderr],
        [0, 'created user alice (contributor of org-a)\n', ''],
      );
      const admin = await runMain(['admin', 'user', 'add', 'root', '--role', 'admin'], { env, unset });
      assert.equal(admin.stdout, 'created user root (admin)\n');

      const token = await runSgci(['admin', 'token', 'create', 'alice', '--expires', '30'], { env, unset });
      assert.equal(token.code, 0, token.stderr);
      assert.match(token.stdout, /^sgci_[a-z2-7]{8}_[0-9a-f]{64}\n$/, 'the token and nothing else');
      assert.equal(token.stderr, '');

      await using catalogue = await opened();
      const login = await passwordLogin(catalogue, { login: 'alice', password, address: 'cli-test' });
      assert.equal(login.kind, 'ok');
      const principal = await tokenPrincipal(catalogue, token.stdout.trim());
      assert.deepEqual([principal?.login, principal?.organisations], ['alice', ['org-a']]);
      const expires = await catalogue.db.selectFrom('api_tokens').select('expires_at').executeTakeFirstOrThrow();
      assert.ok(expires.expires_at && expires.expires_at.getTime() - Date.now() > 29 * 86_400_000);
    });

    test('refusals are one line and exit 2: short password, contributor without org, taken login, bad expiry', async () => {
      const cases: [string[], string | undefined, RegExp][] = [
        [
          ['admin', 'user', 'add', 'bob', '--role', 'admin', '--password-stdin'],
          'too short\n',
          /^sgci: password: must have at least 12 characters\n$/,
        ],
        [
          ['admin', 'user', 'add', 'bob', '--role', 'contributor'],
          undefined,
          /^sgci: --role: a contributor needs --org ORG\n$/,
        ],
        [
          ['admin', 'user', 'add', 'alice', '--role', 'reviewer'],
          undefined,
          /^sgci: alice: a user with this login exists already\n$/,
        ],
        [
          ['admin', 'user', 'add', 'bob', '--role', 'contributor', '--org', 'nope'],
          undefined,
          /^sgci: nope: no such organisation\n$/,
        ],
        [
          ['admin', 'token', 'create', 'alice', '--expires', '0'],
          undefined,
          /^sgci: --expires: expected whole days, 1–3650\n$/,
        ],
        [['admin', 'token', 'create', 'nobody'], undefined, /^sgci: nobody: no such user\n$/],
        [['admin', 'token', 'revoke', 'sgci_aaaaaaaa'], undefined, /^sgci: sgci_aaaaaaaa: no such token\n$/],
        [['admin', 'org', 'add', 'Org A', '--name', 'x'], undefined, /^sgci: Org A: an organisation slug is/],
      ];
      for (const [args, stdin, expected] of cases) {
        const result =
          stdin === undefined ? await runMain(args, { env, unset }) : await runSgci(args, { env, unset, stdin });
        assert.equal(result.code, 2, args.join(' '));
        assert.match(result.stderr, expected, args.join(' '));
        assert.equal(result.stdout, '');
      }
    });

    test('a revoked token stops working; the audit export holds every change and no secret', async () => {
      const created = await runMain(['admin', 'token', 'create', 'root'], { env, unset });
      const token = created.stdout.trim();
      const revoked = await runMain(['admin', 'token', 'revoke', token.slice(0, 13)], { env, unset });
      assert.equal(revoked.stdout, `revoked ${token.slice(0, 13)}\n`);
      {
        await using catalogue = await opened();
        assert.equal(await tokenPrincipal(catalogue, token), undefined);
      }
      const disabled = await runMain(['admin', 'user', 'disable', 'alice'], { env, unset });
      assert.equal(disabled.stdout, 'disabled user alice\n');

      const exported = await runMain(['admin', 'audit', 'export'], { env, unset });
      assert.equal(exported.code, 0, exported.stderr);
      const events = exported.stdout
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line) as { id: string; kind: string; actor: string });
      assert.deepEqual(
        events.map((e) => e.kind),
        [
          'organisation.created',
          'user.created',
          'user.created',
          'token.created',
          'token.created',
          'token.revoked',
          'user.disabled',
        ],
      );
      assert.ok(events.every((e) => e.actor === 'system'));
      for (const secret of [password, token, '$scrypt$']) assert.ok(!exported.stdout.includes(secret), secret);

      const file = join(home, 'audit.ndjson');
      const tail = await runMain(['admin', 'audit', 'export', '--after', events[4]?.id ?? '', '-o', file], {
        env,
        unset,
      });
      assert.deepEqual([tail.stdout, tail.stderr], ['', `exported 2 events to ${file}\n`]);
      assert.deepEqual(
        readFileSync(file, 'utf8')
          .trimEnd()
          .split('\n')
          .map((l) => (JSON.parse(l) as { kind: string }).kind),
        ['token.revoked', 'user.disabled'],
      );
    });
  });
}
