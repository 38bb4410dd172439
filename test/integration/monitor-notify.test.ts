/**
 * Notifications of a monitor round, delivered for real: a webhook receiver that verifies the signature as
 * docs/server-webhooks.md documents it, and an SMTP server in this process (smtp-server, STARTTLS and AUTH) that
 * hands over each message as received.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runMain } from '../helpers/cli.ts';
import { corpusDir, fixture, fixturesMissing } from '../helpers/fixtures.ts';
import { startRegistry } from '../helpers/registry.ts';
import { parseMail, type ReceivedMail, startSmtpServer } from '../helpers/smtp-server.ts';
import { WebhookReceiver } from '../helpers/webhook-receiver.ts';

const skip = fixturesMissing();

test('a round that moved a tag mails the SBOM and vulnerability diff in German and posts a signed webhook', {
  skip,
}, async () => {
  await using registry = await startRegistry();
  const work = await mkdtemp(join(tmpdir(), 'sgci-notify-'));
  await using smtp = await startSmtpServer();
  const now = { value: new Date('2026-11-02T00:00:00Z') };
  await using receiver = await WebhookReceiver.start(() => now.value);
  const secret = 'sgci_whsec_monitor-test';
  receiver.secrets.set('/monitor', secret);
  try {
    const env = {
      SGCI_HOME: join(work, 'home'),
      XDG_CACHE_HOME: join(work, 'cache'),
      DATABASE_URL: '',
      SGCI_MONITOR_WEBHOOK_SECRET: secret,
      SGCI_SMTP_URL: `smtp://${smtp.user}:${encodeURIComponent(smtp.password)}@127.0.0.1:${smtp.port}`,
      SGCI_SMTP_CA_FILE: smtp.caFile,
      SGCI_SMTP_FROM: 'monitor@sgci.example',
    };
    const sgci = (args: readonly string[], at: string) => {
      // the receiver checks freshness against the same clock the round runs on
      now.value = new Date(at);
      return runMain(args, { env: { ...env, SGCI_NOW: at } });
    };
    const image = await registry.push(fixture('distroless-static').ociDir, 'nt/base:stable');
    assert.equal((await runMain(['db', 'import', join(corpusDir(), 'osv', 'npm')], { env })).code, 0);
    await sgci(['monitor', 'add', image, '--every', '1h'], '2026-11-01T00:00:00Z');
    const notify = [
      '--notify-webhook',
      receiver.url('/monitor'),
      '--notify-email',
      'ops@sgci.example',
      '--notify-lang',
      'de',
    ];
    assert.equal((await sgci(['monitor', 'run', ...notify], '2026-11-01T00:00:00Z')).code, 0);
    const quiet = await sgci(['monitor', 'run', '--all', ...notify, '-o', 'json'], '2026-11-01T12:00:00Z');
    assert.deepEqual(JSON.parse(quiet.stdout).notified, [], 'nothing moved: nothing sent');

    await registry.push(fixture('node-app').ociDir, 'nt/base:stable');
    const moved = await sgci(['monitor', 'run', ...notify, '-o', 'json'], '2026-11-02T00:00:00Z');
    assert.equal(moved.code, 0, moved.stdout);
    assert.deepEqual(
      JSON.parse(moved.stdout).notified.map((n: { delivered: boolean }) => n.delivered),
      [true, true],
    );

    const posted = receiver.at('/monitor');
    assert.equal(posted.length, 2, 'the first observation and the move');
    assert.ok(
      posted.every((p) => p.verified),
      'signed as the catalogue signs its webhooks',
    );
    const body = JSON.parse(posted[1]?.body ?? '{}');
    assert.equal(body.changes[0].change.kind, 'packages-changed');
    assert.ok(body.changes[0].change.vulns.introduced.some((v: { id: string }) => v.id === 'CVE-2021-23337'));

    assert.equal(smtp.messages.length, 2);
    const mail = smtp.messages[1] as ReceivedMail;
    assert.equal(mail.authenticatedSecurely, true, 'STARTTLS before AUTH');
    assert.equal(mail.from, 'monitor@sgci.example');
    assert.deepEqual(mail.to, ['ops@sgci.example']);
    const { headers, text } = parseMail(mail.raw);
    assert.equal(headers.get('date'), 'Mon, 02 Nov 2026 00:00:00 +0000');
    assert.equal(headers.get('subject'), 'sgci monitor: 1 Tag-Wechsel, 0 Alarme');
    assert.match(text, /^Beobachtungsrunde vom 2026-11-02T00:00:00.000Z\./);
    assert.match(text, /packages-changed/);
    assert.match(text, /\+ hinzugekommen: pkg:npm\/lodash@4\.17\.20/);
    assert.match(text, /neu: CVE-2021-23337 HIGH pkg:npm\/lodash@4\.17\.20/);
    assert.match(text, /SLA: 10 behebbare Befunde mit laufender Uhr \(0 kritisch, 4 hoch\), 9 überfällig/);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
});
