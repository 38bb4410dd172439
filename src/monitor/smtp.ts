import { randomBytes } from 'node:crypto';
import { connect as connectTcp, isIP, type Socket } from 'node:net';
import { connect as connectTls, type TLSSocket } from 'node:tls';
import { type Clock, SgciError } from '../core/index.ts';

/** Where mail goes: `smtp://[user:password@]host[:port]` (STARTTLS when offered) or `smtps://` (TLS from the start). */
export interface SmtpSettings {
  readonly url: string;
  readonly from: string;
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
  return host === 'localhost' || (isIP(host) === 4 && host.startsWith('127.')) || host === '::1' || host === '[::1]';
}

/** Replies of one SMTP session: a reply ends with the line `NNN text` (continuations are `NNN-text`). */
class Session {
  #socket: Socket | TLSSocket;
  #buffer = '';
  #waiting: { resolve: (reply: { code: number; text: string }) => void; reject: (error: Error) => void } | undefined;
  #failure: Error | undefined;
  readonly #input: string;

  constructor(socket: Socket | TLSSocket, input: string) {
    this.#input = input;
    this.#socket = socket;
    this.#attach(socket);
  }

  #attach(socket: Socket | TLSSocket): void {
    socket.setEncoding('utf8');
    socket.setTimeout(timeoutMs, () =>
      this.#fail(new SgciError('IO_ERROR', this.#input, `SMTP server silent for ${timeoutMs / 1000} s`)),
    );
    socket.on('data', (chunk: string) => {
      this.#buffer += chunk;
      if (this.#buffer.length > maxReplyBytes)
        this.#fail(new SgciError('LIMIT_EXCEEDED', this.#input, 'SMTP reply too long'));
      else this.#deliver();
    });
    socket.on('error', (error) =>
      this.#fail(new SgciError('IO_ERROR', this.#input, `SMTP connection failed: ${error.message}`)),
    );
    socket.on('close', () => this.#fail(new SgciError('IO_ERROR', this.#input, 'SMTP server closed the connection')));
  }

  #fail(error: Error): void {
    this.#failure ??= error;
    this.#waiting?.reject(error);
    this.#waiting = undefined;
    this.#socket.destroy();
  }

  #deliver(): void {
    const lines = this.#buffer.split('\r\n');
    const last = lines.findIndex((line) => /^\d{3}( |$)/.test(line));
    if (last < 0 || !this.#waiting) return;
    const reply = lines.slice(0, last + 1);
    this.#buffer = lines.slice(last + 1).join('\r\n');
    const code = Number(reply[last]?.slice(0, 3));
    const waiting = this.#waiting;
    this.#waiting = undefined;
    waiting.resolve({ code, text: reply.map((l) => l.slice(4)).join('\n') });
  }

  reply(): Promise<{ code: number; text: string }> {
    if (this.#failure) return Promise.reject(this.#failure);
    return new Promise((resolve, reject) => {
      this.#waiting = { resolve, reject };
      this.#deliver();
    });
  }

  /** Sends a command and expects one of `codes`; the error names the command, never its arguments (passwords). */
  async command(line: string, codes: readonly number[], name: string): Promise<string> {
    this.#socket.write(`${line}\r\n`);
    return this.expect(codes, name);
  }

  async expect(codes: readonly number[], name: string): Promise<string> {
    const { code, text } = await this.reply();
    if (!codes.includes(code))
      throw new SgciError('IO_ERROR', this.#input, `SMTP ${name} answered ${code} ${text.split('\n')[0]}`);
    return text;
  }

  async startTls(host: string): Promise<void> {
    const plain = this.#socket;
    plain.removeAllListeners('data');
    const secure = connectTls({ socket: plain, servername: isIP(host) ? undefined : host });
    await new Promise<void>((resolve, reject) => {
      secure.once('secureConnect', resolve);
      secure.once('error', reject);
    });
    this.#socket = secure;
    this.#attach(secure);
  }

  end(): void {
    this.#socket.end();
  }
}

function encodedWord(text: string): string {
  return /^[\x20-\x7e]*$/.test(text) ? text : `=?UTF-8?B?${Buffer.from(text, 'utf8').toString('base64')}?=`;
}

/** The message: UTF-8 text as base64 lines (no line can start with a dot, so no dot-stuffing is needed). */
function messageOf(settings: SmtpSettings, message: MailMessage, now: Date, host: string): string {
  const body = (
    Buffer.from(message.text, 'utf8')
      .toString('base64')
      .match(/.{1,76}/g) ?? []
  ).join('\r\n');
  return [
    `From: ${settings.from}`,
    `To: ${message.to.join(', ')}`,
    `Subject: ${encodedWord(message.subject.replace(/[\r\n]+/g, ' '))}`,
    `Date: ${now.toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: <${randomBytes(12).toString('hex')}@${host}>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: base64',
    '',
    body,
  ].join('\r\n');
}

/**
 * Sends one message over SMTP (RFC 5321): EHLO, STARTTLS when the server offers it on `smtp://`, AUTH PLAIN when the
 * URL has credentials (never over plain text except to loopback), MAIL, RCPT, DATA, QUIT. Bounded: 30 s of silence
 * and 64 KiB per reply end the session with an error naming the server.
 */
export async function sendMail(settings: SmtpSettings, message: MailMessage, clock: Clock): Promise<void> {
  const url = new URL(settings.url);
  const input = `${url.protocol}//${url.host}`;
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:')
    throw new SgciError('USAGE', input, 'use smtp:// or smtps://');
  const from = checkedAddress(settings.from, 'SGCI_SMTP_FROM');
  const to = message.to.map((a) => checkedAddress(a, '--notify-email'));
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const implicitTls = url.protocol === 'smtps:';
  const port = Number(url.port || (implicitTls ? 465 : 25));
  const socket = implicitTls
    ? connectTls({ host, port, servername: isIP(host) ? undefined : host })
    : connectTcp({ host, port });
  const session = new Session(socket, input);
  try {
    await session.expect([220], 'greeting');
    const features = await session.command('EHLO sgci', [250], 'EHLO');
    let secure = implicitTls;
    if (!secure && /^STARTTLS$/im.test(features)) {
      await session.command('STARTTLS', [220], 'STARTTLS');
      await session.startTls(host);
      secure = true;
      // the session starts over under TLS: what was said before it is forgotten (RFC 3207)
      await session.command('EHLO sgci', [250], 'EHLO');
    }
    if (url.username) {
      if (!secure && !isLoopback(host)) {
        throw new SgciError(
          'USAGE',
          input,
          'refusing to send SMTP credentials without TLS to a host that is not loopback',
        );
      }
      const plain = Buffer.from(`\0${decodeURIComponent(url.username)}\0${decodeURIComponent(url.password)}`).toString(
        'base64',
      );
      await session.command(`AUTH PLAIN ${plain}`, [235], 'AUTH');
    }
    await session.command(`MAIL FROM:<${from}>`, [250], 'MAIL FROM');
    for (const address of to) await session.command(`RCPT TO:<${address}>`, [250, 251], 'RCPT TO');
    await session.command('DATA', [354], 'DATA');
    await session.command(`${messageOf(settings, { ...message, to }, clock(), 'sgci')}\r\n.`, [250], 'message');
    await session.command('QUIT', [221], 'QUIT');
  } finally {
    session.end();
  }
}
