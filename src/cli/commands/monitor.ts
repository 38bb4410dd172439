import { readFileSync } from 'node:fs';
import { type Command, Option } from 'commander';
import { type Clock, parseDigest, SgciError, systemClock, writeFileAtomic } from '../../core/index.ts';
import type { DigestScanner, RoundResult } from '../../monitor/index.ts';
import type { RegistryResponseInfo } from '../../oci/registry/index.ts';
import type { Policy } from '../../policy/index.ts';
import type { Store, WatchKey } from '../../store/index.ts';
import { exitCodes } from '../exit-codes.ts';
import { collect } from '../flags.ts';
import {
  addImageOptions,
  limitsFromCli,
  openImageFromCli,
  registryFromCli,
  registryOptionsFromCli,
} from '../options.ts';
import { renderTable, writeOut } from '../output.ts';

interface MonitorCliOptions {
  platform?: string;
  every?: string;
  output?: string;
  all?: boolean;
  concurrency?: string;
  rateLimitFloor?: string;
  minAge?: string;
  policy?: string;
  scan?: boolean;
  window?: string;
  lang?: string;
  key?: string;
  outputFile?: string;
}

function positiveInteger(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^[1-9][0-9]{0,5}$/.test(value)) throw new SgciError('USAGE', flag, 'must be a positive integer');
  return Number(value);
}

/** The parts every monitor action runs on: the one store, the one clock, the registry flags. */
async function monitorParts(): Promise<{ store: Store; clock: Clock }> {
  const { openStore } = await import('../../store/index.ts');
  return { store: await openStore(), clock: systemClock() };
}

/** A registry client of the flags without retries of its own (the round honours Retry-After), seeing every response. */
async function clientFactory(opts: Record<string, unknown>) {
  const [{ RegistryClient }, options] = await Promise.all([
    import('../../oci/registry/index.ts'),
    registryOptionsFromCli(opts),
  ]);
  return (onResponse?: (info: RegistryResponseInfo) => void) =>
    new RegistryClient({ ...options, retry: { attempts: 1 }, ...(onResponse ? { onResponse } : {}) });
}

/** The one pipeline with the store's scan cache and advisories: a digest is read once. */
async function scannerOf(store: Store, clock: Clock, opts: Record<string, unknown>): Promise<DigestScanner> {
  const [{ pipelineScanner }, { storeMatcher, storeScanCache }, policy] = await Promise.all([
    import('../../monitor/index.ts'),
    import('../../scan/index.ts'),
    policyOf(opts),
  ]);
  return pipelineScanner({
    openImage: (reference, platform) => openImageFromCli(reference, { ...opts, platform }),
    cache: storeScanCache(store),
    matcher: storeMatcher(store),
    policy,
    clock,
    limits: limitsFromCli(opts),
  });
}

/**
 * The scanner built at the first tag that moved: a round of unchanged tags loads no scan pipeline, and no query layer
 * for the store's scan cache and advisories.
 */
function lazyScanner(store: () => Promise<Store>, clock: Clock, opts: Record<string, unknown>): DigestScanner {
  let scanner: Promise<DigestScanner> | undefined;
  return async (reference, platform) => {
    scanner ??= store().then((opened) => scannerOf(opened, clock, opts));
    return (await scanner)(reference, platform);
  };
}

/** Signatures and attestations of a watched digest, verified with the keys the policy pins for its repository. */
async function verifierOf(opts: Record<string, unknown>, policy: Policy) {
  const [{ attestationsForChecks }, { formatWatch }] = await Promise.all([
    import('../../attest/index.ts'),
    import('../../monitor/index.ts'),
  ]);
  const registry = await registryFromCli(opts);
  const verify = (watch: WatchKey, digest: string) =>
    attestationsForChecks(
      registry,
      {
        kind: 'registry',
        input: formatWatch(watch),
        ref: { registry: watch.registry, repository: watch.repository, tag: watch.tag },
      },
      parseDigest(digest, formatWatch(watch)),
      policy,
    );
  return { verify, [Symbol.asyncDispose]: () => registry.close() };
}

async function policyOf(opts: Record<string, unknown>): Promise<Policy> {
  const { defaultPolicy, loadPolicy } = await import('../../policy/index.ts');
  return typeof opts.policy === 'string' ? loadPolicy(opts.policy) : defaultPolicy;
}

/** `--key FILE=FINGERPRINT`: split at the last `=` (a fingerprint has none, a path may). */
function pinnedKeyOf(value: string): { file: string; fingerprint: string } {
  const at = value.lastIndexOf('=');
  if (at <= 0 || at === value.length - 1) throw new SgciError('USAGE', '--key', `not FILE=FINGERPRINT: ${value}`);
  return { file: value.slice(0, at), fingerprint: value.slice(at + 1) };
}

function roundLines(result: RoundResult): string {
  const lines = [
    `round at ${result.startedAt}: ${result.checked} tags asked, ${result.unchanged} unchanged, ${result.changes.length} moved, ${result.requests} requests`,
  ];
  for (const c of result.changes) {
    lines.push(
      `moved     ${c.watch} (${c.platform}) ${c.from ?? '(first seen)'} -> ${c.to}: ${c.change?.kind ?? 'first-observed'}`,
    );
  }
  for (const a of result.alarms) lines.push(`ALARM     ${a.watch} (${a.platform}) ${a.kind}: ${a.detail}`);
  for (const p of result.pauses) lines.push(`paused    ${p.registry} for ${Math.ceil(p.ms / 1000)} s (${p.reason})`);
  for (const d of result.deferred) lines.push(`deferred  ${d}: its registry paused longer than a round waits`);
  for (const f of result.failed) lines.push(`failed    ${f.watch}: ${f.error}`);
  for (const w of result.warnings) lines.push(`warning   ${w}`);
  return `${lines.join('\n')}\n`;
}

const outputOption = (formats: readonly string[], fallback: string) =>
  new Option('-o, --output <format>', 'output format').choices([...formats]).default(fallback);

/**
 * `sgci monitor add|remove|list|run|history|pin`: watch tags, keep the ledger of observed digests in the one store,
 * classify each move, pin by observed age. Parsing and printing only; src/monitor does the work.
 */
export function registerMonitor(program: Command): void {
  const monitor = program
    .command('monitor')
    .description('watch registry tags: a ledger of observed digests, what changed, age-gated pins');

  monitor
    .command('add')
    .description('watch a tag (REGISTRY/REPOSITORY:TAG)')
    .argument('<ref>', 'registry tag to watch')
    .option('--every <span>', 'how often a round asks it: 30m, 6h, 1d', '6h')
    .option('--platform <os/arch[/variant]>', 'the platform of an index to classify and scan', 'linux/amd64')
    .action(async (ref: string, opts: MonitorCliOptions) => {
      const { watchKeyOf, parseSpan, formatWatch } = await import('../../monitor/index.ts');
      const key = watchKeyOf(ref, opts.platform);
      const every = parseSpan(opts.every ?? '6h', '--every', 60);
      const { store, clock } = await monitorParts();
      await using _ = store;
      await store.monitor.addWatch(key, every, clock());
      await writeOut(`watching ${formatWatch(key)} (${key.platform}) every ${opts.every ?? '6h'}\n`);
    });

  monitor
    .command('remove')
    .description('stop watching a tag; its ledger and alarms stay')
    .argument('<ref>', 'watched tag')
    .option('--platform <os/arch[/variant]>', 'the platform it is watched for', 'linux/amd64')
    .action(async (ref: string, opts: MonitorCliOptions) => {
      const { watchKeyOf, formatWatch } = await import('../../monitor/index.ts');
      const key = watchKeyOf(ref, opts.platform);
      const { store } = await monitorParts();
      await using _ = store;
      if (!(await store.monitor.removeWatch(key))) {
        throw new SgciError('NOT_FOUND', formatWatch(key), `not watched for ${key.platform}`);
      }
      await writeOut(`no longer watching ${formatWatch(key)} (${key.platform})\n`);
    });

  monitor
    .command('list')
    .description('the watched tags, their current digest and pin')
    .addOption(outputOption(['table', 'json'], 'table'))
    .action(async (opts: MonitorCliOptions) => {
      const { formatWatch } = await import('../../monitor/index.ts');
      const { store } = await monitorParts();
      await using _ = store;
      const watches = (await store.monitor.watches()).map((w) => ({
        reference: formatWatch(w),
        platform: w.platform,
        everySeconds: w.everySeconds,
        checkedAt: w.checkedAt ?? null,
        digest: w.current?.digest ?? null,
        pinned: w.pinnedDigest ?? null,
      }));
      if (opts.output === 'json') return writeOut(`${JSON.stringify({ watches }, null, 2)}\n`);
      return writeOut(
        renderTable(
          ['reference', 'platform', 'every', 'checked', 'digest', 'pinned'],
          watches.map((w) => [
            w.reference,
            w.platform,
            `${w.everySeconds / 60}m`,
            w.checkedAt ?? '-',
            w.digest ?? '-',
            w.pinned ?? '-',
          ]),
        ),
      );
    });

  addImageOptions(
    monitor
      .command('run')
      .description('one polling round over the due tags (HEAD per tag; new digests classified and recorded)')
      .option('--all', 'ask every watched tag, due or not')
      .option('--concurrency <n>', 'requests in flight per registry', '8')
      .option('--rate-limit-floor <n>', 'pause a registry when fewer requests than this are left in its window', '10')
      .option('--no-scan', 'classify moves without scanning (no SBOM and vulnerability diff)')
      .option('--policy <file>', 'sgci-policy.yaml for the scans (SLA windows)')
      .option(
        '--notify-webhook <url>',
        'POST what moved to this URL (repeatable; signed with $SGCI_MONITOR_WEBHOOK_SECRET)',
        collect,
        [],
      )
      .option(
        '--notify-email <address>',
        'mail what moved to this address (repeatable; $SGCI_SMTP_URL, $SGCI_SMTP_FROM)',
        collect,
        [],
      )
      .addOption(
        new Option('--notify-lang <lang>', 'language of notifications (default from the locale)').choices(['de', 'en']),
      )
      .addOption(outputOption(['text', 'json'], 'text')),
  ).action(async (opts: MonitorCliOptions & Record<string, unknown>) => {
    const [{ runRound, notifyRound }, { openMonitorStore }] = await Promise.all([
      import('../../monitor/index.ts'),
      import('../../store/index.ts'),
    ]);
    // the round's statements on the SQLite file run without kysely; a moved tag loads it (store/monitor-store.ts)
    await using store = await openMonitorStore();
    const clock = systemClock();
    const openClient = await clientFactory(opts);
    // the built-in policy pins no keys: the policy module (zod, YAML) loads only for a --policy file
    const policy = typeof opts.policy === 'string' ? await policyOf(opts) : undefined;
    // signatures are judged only against keys the policy pins: without any, there is nothing to verify with
    await using verifier = policy && policy.trustedKeys.length > 0 ? await verifierOf(opts, policy) : undefined;
    const result = await runRound(
      {
        monitor: store.monitor,
        clock,
        openClient,
        limits: limitsFromCli(opts),
        ...(opts.scan !== false ? { scan: lazyScanner(store.store, clock, opts) } : {}),
        ...(verifier ? { verify: verifier.verify } : {}),
      },
      {
        all: Boolean(opts.all),
        concurrency: positiveInteger(opts.concurrency, '--concurrency', 8),
        floor: positiveInteger(opts.rateLimitFloor, '--rate-limit-floor', 10),
      },
    );
    const webhooks = (opts.notifyWebhook as string[] | undefined) ?? [];
    const emails = (opts.notifyEmail as string[] | undefined) ?? [];
    const smtpUrl = process.env.SGCI_SMTP_URL;
    const smtpFrom = process.env.SGCI_SMTP_FROM;
    const notified = await notifyRound(
      result,
      {
        webhooks,
        emails,
        // the locale is read only when there is someone to tell: the scan flags' module is not small
        lang:
          opts.notifyLang === 'de' || opts.notifyLang === 'en'
            ? opts.notifyLang
            : webhooks.length + emails.length > 0
              ? (await import('../scan-options.ts')).localeLang()
              : 'en',
        ...(process.env.SGCI_MONITOR_WEBHOOK_SECRET ? { webhookSecret: process.env.SGCI_MONITOR_WEBHOOK_SECRET } : {}),
        ...(smtpUrl && smtpFrom
          ? {
              smtp: {
                url: smtpUrl,
                from: smtpFrom,
                ...(process.env.SGCI_SMTP_CA_FILE ? { caFile: process.env.SGCI_SMTP_CA_FILE } : {}),
              },
            }
          : {}),
      },
      clock,
    );
    await writeOut(
      opts.output === 'json'
        ? `${JSON.stringify({ ...result, notified }, null, 2)}\n`
        : `${roundLines(result)}${notified.map((n) => `${n.delivered ? 'notified ' : 'NOT notified '} ${n.target}${n.error ? `: ${n.error}` : ''}\n`).join('')}`,
    );
    if (result.alarms.length > 0 || notified.some((n) => !n.delivered)) process.exitCode = exitCodes.gateFailed;
  });

  monitor
    .command('history')
    .description('the ledger of a watched tag, oldest first: digests, first and last seen, what changed')
    .argument('<ref>', 'watched tag')
    .option('--platform <os/arch[/variant]>', 'the platform it is watched for', 'linux/amd64')
    .addOption(outputOption(['table', 'json', 'csv'], 'table'))
    .action(async (ref: string, opts: MonitorCliOptions) => {
      const { watchKeyOf, historyEntries, renderHistory } = await import('../../monitor/index.ts');
      const key = watchKeyOf(ref, opts.platform);
      const { store } = await monitorParts();
      await using _ = store;
      const entries = historyEntries(await store.monitor.history(key));
      await writeOut(renderHistory(entries, (opts.output ?? 'table') as 'table' | 'json' | 'csv'));
    });

  addImageOptions(
    monitor
      .command('pin')
      .description(
        'the newest digest observed at least --min-age ago (never older than the current pin), as REF@sha256:…',
      )
      .argument('<ref>', 'watched tag')
      .requiredOption('--min-age <span>', 'how long a digest must have been observed: 3d, 1w')
      .option('--no-scan', 'no SLA override: decide by age alone')
      .option('--policy <file>', 'sgci-policy.yaml for the scans (SLA windows)')
      .addOption(outputOption(['text', 'json'], 'text')),
  ).action(async (ref: string, opts: MonitorCliOptions & Record<string, unknown>) => {
    const { watchKeyOf, parseSpan, pinTag } = await import('../../monitor/index.ts');
    const key = watchKeyOf(ref, opts.platform);
    const minAgeMs = parseSpan(opts.minAge ?? '', '--min-age', 0) * 1000;
    const { store, clock } = await monitorParts();
    await using _ = store;
    await using client = (await clientFactory(opts))();
    const decision = await pinTag(
      {
        monitor: store.monitor,
        clock,
        client,
        ...(opts.scan !== false ? { scan: await scannerOf(store, clock, opts) } : {}),
      },
      key,
      minAgeMs,
    );
    if (opts.output === 'json') return writeOut(`${JSON.stringify(decision, null, 2)}\n`);
    const notes: string[] = [];
    if (decision.rule === 'sla-override') {
      notes.push(`sla-override: younger than --min-age, instead of ${decision.ageGated}, because it fixes:`);
      for (const f of decision.fixes ?? [])
        notes.push(`  ${f.id} ${f.severity} ${f.package} (clock running since ${f.startedAt})`);
    }
    if (decision.rule === 'current-pin')
      notes.push('current-pin: the current pin is newer than the age gate allows; a pin never moves back');
    for (const a of decision.alarms) notes.push(`ALARM ${a.raisedAt} ${a.kind}: ${a.detail}`);
    if (notes.length > 0) process.stderr.write(`${notes.join('\n')}\n`);
    return writeOut(`${decision.reference}\n`);
  });

  addImageOptions(
    monitor
      .command('report')
      .description('rebuilds, time-to-patch (p50/p90 per severity, share within SLA) and running SLA clocks of a tag')
      .argument('<ref>', 'watched tag')
      .option('--window <span>', 'how far back: 30d, 12w (default: since the first observation)')
      .option('--no-scan', 'do not scan the current digest for its running clocks')
      .option('--policy <file>', 'sgci-policy.yaml (SLA windows)')
      .addOption(new Option('--lang <lang>', 'report language (default from the locale)').choices(['de', 'en']))
      .option('--output-file <file>', 'write the report to this file (atomically) instead of stdout')
      .addOption(outputOption(['table', 'json', 'html'], 'table')),
  ).action(async (ref: string, opts: MonitorCliOptions & Record<string, unknown>) => {
    const [{ watchKeyOf, parseSpan, tagReport, renderTagReport }, { slaPolicyOf }, policy] = await Promise.all([
      import('../../monitor/index.ts'),
      import('../../policy/index.ts'),
      policyOf(opts),
    ]);
    const key = watchKeyOf(ref, opts.platform);
    const windowMs = opts.window === undefined ? undefined : parseSpan(opts.window, '--window', 3600) * 1000;
    const { store, clock } = await monitorParts();
    await using _ = store;
    const report = await tagReport(
      {
        monitor: store.monitor,
        clock,
        sla: slaPolicyOf(policy),
        ...(opts.scan !== false ? { scan: await scannerOf(store, clock, opts) } : {}),
      },
      key,
      windowMs,
    );
    // the scan flags' module (policy, reports) loads only here: `monitor run` and `list` do not need it
    const lang =
      opts.lang === 'de' || opts.lang === 'en' ? opts.lang : (await import('../scan-options.ts')).localeLang();
    const text = renderTagReport(report, (opts.output ?? 'table') as 'table' | 'json' | 'html', lang);
    if (typeof opts.outputFile === 'string') await writeFileAtomic(opts.outputFile, text);
    else await writeOut(text);
  });

  addImageOptions(
    monitor
      .command('scorecard')
      .description(
        'the base-image scorecard of a tag and the policy category it suggests (a worse one raises an alarm)',
      )
      .argument('<ref>', 'watched tag')
      .option('--policy <file>', 'sgci-policy.yaml: the pinned keys (trustedKeys) and SLA windows')
      .addOption(outputOption(['table', 'json'], 'table')),
  ).action(async (ref: string, opts: MonitorCliOptions & Record<string, unknown>) => {
    const [{ watchKeyOf, scorecard }, { slaPolicyOf }, policy] = await Promise.all([
      import('../../monitor/index.ts'),
      import('../../policy/index.ts'),
      policyOf(opts),
    ]);
    const key = watchKeyOf(ref, opts.platform);
    const { store, clock } = await monitorParts();
    await using _ = store;
    await using verifier = await verifierOf(opts, policy);
    const card = await scorecard(
      {
        monitor: store.monitor,
        clock,
        sla: slaPolicyOf(policy),
        scan: await scannerOf(store, clock, opts),
        verify: verifier.verify,
      },
      key,
    );
    if (opts.output === 'json') return writeOut(`${JSON.stringify(card, null, 2)}\n`);
    const yes = (b: boolean) => (b ? 'yes' : 'no');
    const rows = [
      ['digest', card.digest],
      ['rebuilds per 30 days', card.rebuildsPer30Days.toFixed(1)],
      [
        'time-to-patch p90 (critical, high)',
        card.timeToPatchP90Hours === undefined ? '-' : `${card.timeToPatchP90Hours.toFixed(1)} h`,
      ],
      ['open fixable criticals', String(card.openFixableCriticals)],
      ['signature verified (pinned key)', yes(card.signatureVerified)],
      ['SBOM attestation', yes(card.sbomAttestation)],
      ['provenance attestation', yes(card.provenanceAttestation)],
      ['package database readable', yes(card.packageDatabaseReadable)],
      [
        'end of life',
        card.endOfLife.known ? `${card.endOfLife.date}${card.endOfLife.expired ? ' (expired)' : ''}` : 'unknown',
      ],
      ['suggested category', card.suggested],
      ...card.shortfalls.map((f) => ['  short of the next', f]),
      ...(card.drift ? [['ALARM category drift', `${card.drift.from} -> ${card.drift.to}`]] : []),
    ];
    if (card.drift) process.exitCode = exitCodes.gateFailed;
    return writeOut(`${card.tag} (${card.platform})\n${renderTable(['', ''], rows)}`);
  });

  monitor
    .command('debian-index')
    .description(
      "record the source versions of a Debian suite's package index (time-to-patch counts from their first observation)",
    )
    .argument('<suite>', 'bookworm, trixie, bookworm-security …')
    .option(
      '--mirror <url>',
      'Debian mirror (for security updates: https://security.debian.org/debian-security)',
      'https://deb.debian.org/debian',
    )
    .option('--component <name>', 'archive component', 'main')
    .option('--arch <name>', 'architecture', 'amd64')
    .option(
      '--key <file=fingerprint>',
      "a public key that may sign the suite's InRelease, and the fingerprint it must hold (repeatable; default: the debian-archive-keyring keys)",
      collect,
      [],
    )
    .action(async (suite: string, opts: { mirror: string; component: string; arch: string; key: string[] }) => {
      const { observeDebianIndex } = await import('../../monitor/index.ts');
      const keys = opts.key.map(pinnedKeyOf);
      const { store, clock } = await monitorParts();
      await using _ = store;
      const seen = await observeDebianIndex({ monitor: store.monitor, clock }, opts.mirror, suite, {
        component: opts.component,
        arch: opts.arch,
        ...(keys.length > 0 ? { keys } : {}),
      });
      await writeOut(
        `${seen.suite}: ${seen.versions} source versions, ${seen.added} seen for the first time (InRelease signed by ${seen.signer})\n`,
      );
    });

  monitor
    .command('export')
    .description('the ledger of a tag as an in-toto statement in a DSSE envelope signed with your key')
    .argument('<ref>', 'watched tag')
    .requiredOption(
      '--key <file>',
      'cosign-format private key (password from SGCI_PASSWORD, COSIGN_PASSWORD or the terminal)',
    )
    .option('--platform <os/arch[/variant]>', 'the platform it is watched for', 'linux/amd64')
    .option('--output-file <file>', 'write the envelope to this file (atomically) instead of stdout')
    .action(async (ref: string, opts: MonitorCliOptions) => {
      const [{ watchKeyOf, historyStatement, signHistory }, { loadSigner, readPassword }] = await Promise.all([
        import('../../monitor/index.ts'),
        import('../../attest/index.ts'),
      ]);
      const key = watchKeyOf(ref, opts.platform);
      const signer = await loadSigner(opts.key ?? '', () => readPassword('Enter password for private key: '));
      const { store, clock } = await monitorParts();
      await using _ = store;
      const statement = await historyStatement(
        key,
        await store.monitor.history(key),
        await store.monitor.alarms(key),
        clock(),
      );
      const bytes = await signHistory(signer, statement);
      if (typeof opts.outputFile === 'string') await writeFileAtomic(opts.outputFile, bytes);
      else await writeOut(`${Buffer.from(bytes).toString('utf8')}\n`);
    });

  monitor
    .command('verify-export')
    .description('verify a signed ledger export against a public key and print its entries')
    .argument('<file>', 'the DSSE envelope `monitor export` wrote')
    .requiredOption('--key <file>', 'the public key')
    .addOption(outputOption(['table', 'json'], 'table'))
    .action(async (file: string, opts: MonitorCliOptions) => {
      const [{ verifyHistory, renderHistory }, { loadPublicKey }] = await Promise.all([
        import('../../monitor/index.ts'),
        import('../../attest/index.ts'),
      ]);
      const publicKey = await loadPublicKey(opts.key ?? '');
      const predicate = await verifyHistory(readExport(file), publicKey, file);
      if (opts.output === 'json') return writeOut(`${JSON.stringify(predicate, null, 2)}\n`);
      const tag = predicate.tag.slice(predicate.tag.lastIndexOf(':') + 1);
      const entries = predicate.entries.map((e) => ({
        tag,
        platform: predicate.platform,
        digest: e.digest,
        firstSeen: e.firstSeen,
        lastSeen: e.lastSeen,
        change: ((e.change ?? null) as { kind?: never } | null)?.kind ?? null,
      }));
      await writeOut(`verified: ${predicate.tag} (${predicate.platform}), exported ${predicate.exportedAt}\n`);
      return writeOut(renderHistory(entries, 'table'));
    });
}

const maxExportBytes = 64 * 1024 * 1024;

/** A signed export, bounded: a ledger of years of rounds is a few MiB, not more. */
function readExport(file: string): Uint8Array {
  const bytes = readFileSync(file);
  if (bytes.length > maxExportBytes) throw new SgciError('LIMIT_EXCEEDED', file, `larger than ${maxExportBytes} bytes`);
  return bytes;
}
