/**
 * The site's static files, all served by the site itself under `/assets/` (no font, script or style from another
 * origin): one stylesheet (the two Fira Sans faces, KERN trimmed to the classes the pages use, the site's own
 * layout), the KERN fonts the stylesheet names, and one small script that only enhances. Names carry a hash of the
 * content, so every file may be cached for a year and a new build is a new name.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { trimStylesheet } from './trim-css.ts';

export interface Asset {
  readonly body: Buffer;
  readonly type: string;
  /** Precompressed forms, for text files only (fonts are compressed already). */
  readonly br?: Buffer;
  readonly gzip?: Buffer;
}

export interface SiteAssets {
  /** URLs (absolute paths) of the files the pages link to. */
  readonly stylesheet: string;
  readonly script: string;
  readonly fonts: readonly string[];
  /** The file at `/assets/<name>`, or undefined. */
  get(name: string): Asset | undefined;
}

const webDir = dirname(import.meta.dirname);
const kernDir = dirname(fileURLToPath(import.meta.resolve('@kern-ux/native/package.json')));

/**
 * The weights the pages use: KERN sets body text at 400 and headings, labels and strong text at 600; its 500
 * (balanced headings) falls back to 400. Two files instead of KERN's 32.
 */
const fontFaces = [
  { file: 'FiraSans-Regular.woff2', weight: 400 },
  { file: 'FiraSans-SemiBold.woff2', weight: 600 },
] as const;

function hashed(stem: string, extension: string, body: Buffer): string {
  return `${stem}.${createHash('sha256').update(body).digest('hex').slice(0, 16)}.${extension}`;
}

function compressed(body: Buffer, type: string): Asset {
  return {
    body,
    type,
    br: brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
    gzip: gzipSync(body, { level: 9 }),
  };
}

/** Every `kern-…` class name the page templates (src/server/web/**) write. */
export function usedKernClasses(): Set<string> {
  const used = new Set<string>();
  for (const entry of readdirSync(webDir, { recursive: true, encoding: 'utf8' })) {
    if (!entry.endsWith('.ts') || entry.endsWith('.test.ts')) continue;
    for (const match of readFileSync(join(webDir, entry), 'utf8').matchAll(/\bkern-[a-z0-9_-]*[a-z0-9]/g))
      used.add(match[0]);
  }
  return used;
}

function buildAssets(): SiteAssets {
  const files = new Map<string, Asset>();
  const fonts: string[] = [];
  const faces: string[] = [];
  for (const face of fontFaces) {
    const body = readFileSync(join(kernDir, 'dist', 'fonts', 'fira-sans', face.file));
    const name = hashed(`fira-sans-${face.weight}`, 'woff2', body);
    files.set(name, { body, type: 'font/woff2' });
    fonts.push(`/assets/${name}`);
    // swap: text shows at once in a fallback face and changes when the font is there
    faces.push(
      `@font-face{font-family:"Fira Sans";src:url(/assets/${name}) format("woff2");font-weight:${face.weight};` +
        'font-style:normal;font-display:swap}',
    );
  }
  const kern = trimStylesheet(readFileSync(join(kernDir, 'dist', 'kern.min.css'), 'utf8'), usedKernClasses());
  const site = readFileSync(join(import.meta.dirname, 'site.css'), 'utf8');
  // @charset must come first when present; the file is served as UTF-8 anyway
  const css = Buffer.from(`${faces.join('')}${kern.replace(/^@charset "UTF-8";/, '')}\n${site}`);
  const stylesheet = hashed('site', 'css', css);
  files.set(stylesheet, compressed(css, 'text/css; charset=utf-8'));
  const js = readFileSync(join(import.meta.dirname, 'site.js'));
  const script = hashed('site', 'js', js);
  files.set(script, compressed(js, 'text/javascript; charset=utf-8'));
  return {
    stylesheet: `/assets/${stylesheet}`,
    script: `/assets/${script}`,
    fonts,
    get: (name) => files.get(name),
  };
}

let built: SiteAssets | undefined;

/** The site's files, built once per process from the sources and the installed KERN package. */
export function siteAssets(): SiteAssets {
  built ??= buildAssets();
  return built;
}
