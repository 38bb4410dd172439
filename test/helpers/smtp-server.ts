/**
 * A real SMTP server in this process (the `smtp-server` library, nodemailer's counterpart) on loopback, with STARTTLS
 * on a self-signed certificate for 127.0.0.1 and AUTH for one user: it records each message as it received it, with
 * the envelope and whether the session was under TLS when the client authenticated and when it sent the message.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { selfSignedCertificate } from './tls.ts';

export interface ReceivedMail {
  readonly from: string;
  readonly to: string[];
  /** The user the client authenticated as, undefined without AUTH. */
  readonly user: string | undefined;
  /** TLS was on when the client authenticated (STARTTLS before AUTH). */
  readonly authenticatedSecurely: boolean;
  readonly secure: boolean;
  /** The message as it arrived: headers, blank line, body. */
  readonly raw: string;
}

export interface TestSmtpServer extends AsyncDisposable {
  readonly port: number;
  /** PEM of the server's self-signed certificate: the CA a client must trust. */
  readonly caFile: string;
  readonly user: string;
  readonly password: string;
  readonly messages: ReceivedMail[];
}

export async function startSmtpServer(): Promise<TestSmtpServer> {
  const dir = await mkdtemp(join(tmpdir(), 'sgci-smtp-'));
  const keyFile = join(dir, 'key.pem');
  const caFile = join(dir, 'cert.pem');
  await selfSignedCertificate('/CN=sgci test mail server', 1, keyFile, caFile, 'IP:127.0.0.1');
  const user = 'monitor';
  const password = 'smtp-pw-ÄÖ%:@/';
  const messages: ReceivedMail[] = [];
  const securely = new Set<string>();
  const server = new SMTPServer({
    key: await readFile(keyFile),
    cert: await readFile(caFile),
    logger: false,
    size: 1024 * 1024,
    authMethods: ['PLAIN', 'LOGIN'],
    onAuth(auth, session, callback) {
      if (auth.username !== user || auth.password !== password) {
        callback(new Error('Invalid username or password'));
        return;
      }
      if (session.secure) securely.add(session.id);
      callback(null, { user });
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        messages.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          user: typeof session.user === 'string' ? session.user : undefined,
          authenticatedSecurely: securely.has(session.id),
          secure: session.secure,
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    caFile,
    user,
    password,
    messages,
    async [Symbol.asyncDispose]() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** RFC 2047 encoded words (`=?UTF-8?B?…?=`, `=?UTF-8?Q?…?=`) in a header value, decoded. */
function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?utf-8\?([bq])\?([^?]*)\?=/gi, (_, encoding: string, word: string) =>
      encoding.toLowerCase() === 'b'
        ? Buffer.from(word, 'base64').toString('utf8')
        : decodeQuotedPrintable(word.replace(/_/g, ' ')),
    );
}

function decodeQuotedPrintable(text: string): string {
  const bytes: number[] = [];
  const unfolded = text.replace(/=\r?\n/g, '');
  for (let i = 0; i < unfolded.length; i++) {
    const hex = unfolded.slice(i + 1, i + 3);
    if (unfolded[i] === '=' && /^[0-9A-F]{2}$/i.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(unfolded.charCodeAt(i));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** A single-part text message: its headers (names in lower case, folded lines joined, encoded words decoded) and its body decoded. */
export function parseMail(raw: string): { headers: Map<string, string>; text: string } {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  const body = raw.slice(split + 4);
  const headers = new Map<string, string>();
  for (const line of head.split('\r\n')) {
    const colon = line.indexOf(':');
    headers.set(line.slice(0, colon).toLowerCase(), decodeWords(line.slice(colon + 1).trim()));
  }
  const encoding = headers.get('content-transfer-encoding')?.toLowerCase();
  const text =
    encoding === 'base64'
      ? Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8')
      : encoding === 'quoted-printable'
        ? decodeQuotedPrintable(body)
        : body;
  return { headers, text: text.replace(/\r\n/g, '\n').replace(/\n$/, '') };
}
