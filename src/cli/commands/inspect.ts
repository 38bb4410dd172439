import { type Command, Option } from 'commander';
import { formatSize } from '../../cache/index.ts';
import { safeText } from '../../core/index.ts';
import { describeImage, formatPlatform, type ImageDescription } from '../../oci/image/index.ts';
import { maskEnvValue } from '../../secrets/index.ts';
import { addImageOptions, openImageFromCli } from '../options.ts';
import { renderTable, writeOut } from '../output.ts';

/** `sgci inspect --format json`: a contract; add fields, never rename or remove them. */
export interface InspectReport {
  readonly reference: string;
  readonly source: string;
  readonly name: string;
  /** Manifest digest; null for `dir:`. For docker-archive, the digest of the manifest sgci synthesised. */
  readonly digest: string | null;
  readonly mediaType: string | null;
  readonly manifestSynthesized: boolean;
  readonly platform: { readonly os: string; readonly architecture: string; readonly variant?: string };
  readonly index: { readonly digest: string; readonly mediaType: string; readonly platforms: string[] } | null;
  readonly config: {
    readonly digest: string | null;
    readonly created: string | null;
    readonly author: string | null;
    readonly user: string | null;
    readonly env: string[];
    readonly entrypoint: string[] | null;
    readonly cmd: string[] | null;
    readonly workingDir: string | null;
    readonly exposedPorts: string[];
    readonly volumes: string[];
    readonly labels: Record<string, string>;
    readonly healthcheck: {
      readonly test: string[];
      readonly interval: number | null;
      readonly timeout: number | null;
      readonly startPeriod: number | null;
      readonly retries: number | null;
    } | null;
    readonly stopSignal: string | null;
  };
  readonly layers: {
    readonly index: number;
    readonly digest: string;
    readonly mediaType: string;
    readonly size: number;
    readonly diffId: string | null;
    readonly createdBy: string | null;
  }[];
  readonly history: {
    readonly created: string | null;
    readonly createdBy: string | null;
    readonly emptyLayer: boolean;
  }[];
  readonly totals: { readonly layers: number; readonly compressedSize: number };
}

function maskEnv(line: string): string {
  const equals = line.indexOf('=');
  if (equals < 0) return line;
  const name = line.slice(0, equals);
  return `${name}=${maskEnvValue(name, line.slice(equals + 1))}`;
}

/**
 * A history command as it may be displayed: `NAME=value` pairs (build args, `ENV`) are masked by name
 * like env values, and any secret the rules find elsewhere in the line is masked in place.
 */
export function maskCommand(text: string): string {
  const pairs = text.replace(
    /\b([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|'[^']*'|[^\s"']+)/g,
    (all, name: string, value: string) => {
      const quote = value[0] === '"' || value[0] === "'" ? value[0] : '';
      const inner = quote ? value.slice(1, -1) : value;
      const masked = maskEnvValue(name, inner);
      return masked === inner ? all : `${name}=${quote}${masked}${quote}`;
    },
  );
  return maskEnvValue('created_by', pairs);
}

function sortedRecord(record: Readonly<Record<string, string>> | null | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const key of Object.keys(record ?? {}).sort()) result[key] = maskEnvValue(key, record?.[key] ?? '');
  return result;
}

/** What `sgci inspect` reports about an image (its description); secret-looking env and label values are masked. */
export function inspectImage(image: ImageDescription): InspectReport {
  const c = image.config.config ?? {};
  const h = c.Healthcheck;
  const [os = '', architecture = '', variant] = image.platform.split('/');
  return {
    reference: image.source.input,
    source: image.source.kind,
    name: image.reference,
    digest: image.digest ?? null,
    mediaType: image.mediaType ?? null,
    manifestSynthesized: image.source.kind === 'docker-archive',
    platform: { os, architecture, ...(variant ? { variant } : {}) },
    index: image.index
      ? { digest: image.index.digest, mediaType: image.index.mediaType, platforms: [...image.index.platforms] }
      : null,
    config: {
      digest: image.configDigest ?? null,
      created: image.config.created ?? null,
      author: image.config.author ?? null,
      user: c.User || null,
      env: (c.Env ?? []).map(maskEnv),
      entrypoint: c.Entrypoint?.map(maskCommand) ?? null,
      cmd: c.Cmd?.map(maskCommand) ?? null,
      workingDir: c.WorkingDir || null,
      exposedPorts: Object.keys(c.ExposedPorts ?? {}).sort(),
      volumes: Object.keys(c.Volumes ?? {}).sort(),
      labels: sortedRecord(c.Labels),
      healthcheck: h?.Test
        ? {
            test: h.Test.map(maskCommand),
            interval: h.Interval ?? null,
            timeout: h.Timeout ?? null,
            startPeriod: h.StartPeriod ?? null,
            retries: h.Retries ?? null,
          }
        : null,
      stopSignal: c.StopSignal ?? null,
    },
    layers: image.layers.map((layer) => ({
      index: layer.index,
      digest: layer.digest,
      mediaType: layer.mediaType,
      size: layer.size,
      diffId: layer.diffId ?? null,
      createdBy: layer.createdBy !== undefined ? maskCommand(layer.createdBy) : null,
    })),
    history: (image.config.history ?? []).map((entry) => ({
      created: entry.created ?? null,
      createdBy: entry.created_by !== undefined ? maskCommand(entry.created_by) : null,
      emptyLayer: entry.empty_layer === true,
    })),
    totals: {
      layers: image.layers.length,
      compressedSize: image.layers.reduce((sum, layer) => sum + layer.size, 0),
    },
  };
}

function short(digest: string | null): string {
  return digest ? digest.replace(/^(sha256:[a-f0-9]{12})[a-f0-9]+$/, '$1') : '-';
}

function oneLine(text: string, max = 80): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

export function renderInspectTable(report: InspectReport): string {
  const c = report.config;
  const json = (value: unknown) => (value === null ? '-' : JSON.stringify(value));
  const fields: [string, string][] = [
    ['Reference', report.reference],
    ['Name', report.name],
    ['Source', report.source],
    [
      'Digest',
      `${report.digest ?? '-'}${report.manifestSynthesized ? ' (manifest synthesised from docker-archive)' : ''}`,
    ],
    ['Media type', report.mediaType ?? '-'],
    ['Platform', formatPlatform(report.platform)],
  ];
  if (report.index) {
    fields.push(['Index', `${report.index.digest} (${report.index.platforms.join(', ')})`]);
  }
  fields.push(
    ['Config', c.digest ?? '-'],
    ['Created', c.created ?? '-'],
    ['User', c.user ?? '- (root)'],
    ['Entrypoint', json(c.entrypoint)],
    ['Cmd', json(c.cmd)],
    ['Workdir', c.workingDir ?? '-'],
    ['Ports', c.exposedPorts.join(', ') || '-'],
    ['Volumes', c.volumes.join(', ') || '-'],
    [
      'Healthcheck',
      c.healthcheck
        ? `${JSON.stringify(c.healthcheck.test)}${c.healthcheck.interval !== null ? ` every ${c.healthcheck.interval / 1e9}s` : ''}`
        : '-',
    ],
  );
  if (c.stopSignal) fields.push(['Stop signal', c.stopSignal]);
  const width = Math.max(...fields.map(([k]) => k.length)) + 2;
  const lines = fields.map(([k, v]) => `${k.padEnd(width)}${safeText(v)}`);
  lines.push('Env');
  for (const line of c.env) lines.push(`  ${safeText(line)}`);
  lines.push('Labels');
  for (const [k, v] of Object.entries(c.labels)) lines.push(`  ${safeText(`${k}=${v}`)}`);
  const rows = report.layers.map((layer) => [
    String(layer.index),
    short(layer.digest),
    layer.mediaType.replace(/^application\/vnd\./, ''),
    formatSize(layer.size),
    short(layer.diffId),
    oneLine(layer.createdBy ?? '-'),
  ]);
  return `${lines.join('\n')}\n\n${renderTable(['LAYER', 'DIGEST', 'MEDIA TYPE', 'SIZE', 'DIFF ID', 'CREATED BY'], rows)}Total: ${report.totals.layers} layers, ${formatSize(report.totals.compressedSize)} as stored\n`;
}

export function registerInspect(program: Command): void {
  addImageOptions(
    program
      .command('inspect')
      .description('show an image: digest, platform, config (secrets masked) and layers')
      .argument(
        '<image>',
        'image reference: NAME[:TAG][@DIGEST], registry:, oci-dir:, oci-archive:, docker-archive:, dir:',
      )
      .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table')),
  ).action(async (input: string, opts: Record<string, unknown>) => {
    const image = await openImageFromCli(input, opts);
    try {
      const report = inspectImage(describeImage(image));
      await writeOut(opts.format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : renderInspectTable(report));
    } finally {
      await image[Symbol.asyncDispose]();
    }
  });
}
