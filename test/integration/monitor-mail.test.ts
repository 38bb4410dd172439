/**
 * The monitor's e-mail (nodemailer) against a real SMTP server in this process (smtp-server) on loopback: STARTTLS
 * before AUTH, the certificate checked against the CA the operator names, the message as the server received it.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sendMail, transportOptions } from '../../src/monitor/smtp.ts';
import { parseMail, startSmtpServer } from '../helpers/smtp-server.ts';

const clock = () => new Date('2026-11-02T08:30:00Z');
const message = {
  to: ['ops@sgci.example', 'security@sgci.example'],
  subject: 'sgci monitor: 1 Tag-Wechsel, 0 Alarme — Prüfung',
  text: 'Beobachtungsrunde vom 2026-11-02T08:30:00.000Z.\n\n.\n.Punkt am Zeilenanfang, Umlaute: äöüß',
};

test('a message goes over STARTTLS with AUTH and arrives with its headers and UTF-8 text intact', async () => {
  await using server = await startSmtpServer();
  const credentials = `${encodeURIComponent(server.user)}:${encodeURIComponent(server.password)}`;
  await sendMail(
    {
      url: `smtp://${credentials}@127.0.0.1:${server.port}`,
      from: 'monitor@sgci.example',
      caFile: server.caFile,
    },
    message,
    clock,
  );
  assert.equal(server.messages.length, 1);
  const mail = server.messages[0];
  assert.ok(mail);
  assert.equal(mail.user, 'monitor');
  assert.equal(mail.authenticatedSecurely, true, 'AUTH only after STARTTLS');
  assert.equal(mail.secure, true);
  assert.equal(mail.from, 'monitor@sgci.example');
  assert.deepEqual(mail.to, ['ops@sgci.example', 'security@sgci.example']);
  const { headers, text } = parseMail(mail.raw);
  assert.equal(headers.get('from'), 'monitor@sgci.example');
  assert.equal(headers.get('to'), 'ops@sgci.example, security@sgci.example');
  assert.equal(headers.get('subject'), message.subject);
  assert.equal(headers.get('date'), 'Mon, 02 Nov 2026 08:30:00 +0000');
  assert.match(headers.get('content-type') ?? '', /^text\/plain; charset=utf-8$/i);
  assert.match(headers.get('message-id') ?? '', /^<[^<>\s]+@sgci\.example>$/);
  assert.equal(text, message.text);
});

test('a certificate that does not chain to the configured CA stops the delivery before any credential is sent', async () => {
  await using server = await startSmtpServer();
  await assert.rejects(
    sendMail(
      { url: `smtp://${server.user}:wrong@127.0.0.1:${server.port}`, from: 'monitor@sgci.example' },
      message,
      clock,
    ),
    (error: Error) => {
      assert.match(
        error.message,
        new RegExp(`^smtp://127\\.0\\.0\\.1:${server.port}: SMTP delivery failed: .*certificate`),
      );
      return true;
    },
  );
  assert.equal(server.messages.length, 0);
});

test('rejected credentials are one line naming the server, never the password', async () => {
  await using server = await startSmtpServer();
  await assert.rejects(
    sendMail(
      {
        url: `smtp://monitor:not-the-password@127.0.0.1:${server.port}`,
        from: 'monitor@sgci.example',
        caFile: server.caFile,
      },
      message,
      clock,
    ),
    (error: Error) => {
      assert.match(error.message, /SMTP delivery failed: .*535/);
      assert.doesNotMatch(error.message, /not-the-password/);
      return true;
    },
  );
  assert.equal(server.messages.length, 0);
});

test('credentials to a host that is not loopback need TLS; a header cannot be smuggled in through an address', async () => {
  assert.equal(transportOptions(new URL('smtp://u:p@mail.example'), undefined).requireTLS, true);
  assert.equal(transportOptions(new URL('smtp://mail.example'), undefined).requireTLS, false);
  assert.equal(transportOptions(new URL('smtp://u:p@127.0.0.1:2525'), undefined).requireTLS, false);
  const smtps = transportOptions(new URL('smtps://u:p@mail.example'), undefined);
  assert.deepEqual([smtps.secure, smtps.port], [true, 465]);
  assert.throws(() => transportOptions(new URL('http://mail.example'), undefined), /use smtp:\/\/ or smtps:\/\//);
  await assert.rejects(
    sendMail(
      { url: 'smtp://127.0.0.1:1', from: 'monitor@sgci.example' },
      { ...message, to: ['ops@sgci.example\r\nBcc: x@evil.example'] },
      clock,
    ),
    /--notify-email: not a plain e-mail address/,
  );
});
