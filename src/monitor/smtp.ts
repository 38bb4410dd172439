import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import type { SMTPTransportOptions } from 'nodemailer/lib/smtp-transport';
import { type Clock, describe, SgciError } from '../core/index.ts';

/** Where mail goes: `smtp://[user:password@]host[:port]` (STARTTLS when offered) or `smtps://` (TLS from the start). */
export interface SmtpSettings {
  readonly url: string;
  readonly from: string;
  /** PEM file of the CA the server's certificate must chain to (a private CA), instead of the system's roots. */
  readonly caFile?: string;
}

export interface MailMessage {
  readonly to: readonly string[];
  readonly subject: string;
  readonly text: string;
}

const timeoutMs = 30_000;
const maxReplyBytes = 64 * 1024;
// an address with nothing that could end a header or an SMTP command
const addressPattern = /^[^\s<>@",;\\]+@[^\s<>@",;\\]+$/;

function checkedAddress(address: string, input: string): string {
  if (!addressPattern.test(address))
    throw new SgciError('USAGE', input, `not a plain e-mail address: ${JSON.stringify(address)}`);
  return address;
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || (isIP(host) === 4 && host.startsWith('127.')) || host === '::1';
}

/** The server as errors name it: scheme, host and port, never the credentials. */
function serverName(url: URL): string {
  return `${url.protocol}//${url.host}`;
}

/**
 * nodemailer's options for the URL: TLS from the start on `smtps://`, else STARTTLS whenever the server offers it
 * and required (the delivery fails without it) when credentials would go to a host that is not loopback. Bounded:
 * 30 s for connecting, the greeting and each silence, 64 KiB per reply.
 */
export function transportOptions(url: URL, ca: Buffer | undefined): SMTPTransportOptions {
  const input = serverName(url);
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:')
    throw new SgciError('USAGE', input, 'use smtp:// or smtps://');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const secure = url.protocol === 'smtps:';
  const credentials = url.username !== '';
  return {
    host,
    port: Number(url.port || (secure ? 465 : 25)),
    secure,
    requireTLS: !secure && credentials && !isLoopback(host),
    name: 'sgci',
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    maxResponseSize: maxReplyBytes,
    ...(ca ? { tls: { ca } } : {}),
    ...(credentials
      ? { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } }
      : {}),
  };
}

async function readCa(file: string | undefined): Promise<Buffer | undefined> {
  if (file === undefined) return undefined;
  try {
    return await readFile(file);
  } catch (error) {
    throw new SgciError('CONFIG_INVALID', file, `cannot read SGCI_SMTP_CA_FILE: ${describe(error)}`);
  }
}

/**
 * Sends one message with nodemailer over SMTP: a UTF-8 text body, the subject encoded where it is not ASCII, the
 * date from the round's clock. A failure is one line naming the server (never its credentials).
 */
export async function sendMail(settings: SmtpSettings, message: MailMessage, clock: Clock): Promise<void> {
  const url = new URL(settings.url);
  const from = checkedAddress(settings.from, 'SGCI_SMTP_FROM');
  const to = message.to.map((a) => checkedAddress(a, '--notify-email'));
  const options = transportOptions(url, await readCa(settings.caFile));
  // loaded only when there is mail to send: most rounds tell nobody
  const { createTransport } = await import('nodemailer');
  const transport = createTransport(options);
  try {
    await transport.sendMail({
      from,
      to,
      subject: message.subject.replace(/[\r\n]+/g, ' '),
      text: message.text,
      date: clock(),
    });
  } catch (error) {
    throw new SgciError('IO_ERROR', serverName(url), `SMTP delivery failed: ${describe(error)}`, { cause: error });
  } finally {
    transport.close();
  }
}
