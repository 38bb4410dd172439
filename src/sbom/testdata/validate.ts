/**
 * Schema validators for the SBOM tests: the official CycloneDX 1.6 schemas shipped in the CycloneDX library's npm
 * package, and sgci's own SPDX 2.3 schema written from the specification (test/helpers/schemas/spdx-2.3.ts).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { spdx23Schema } from '../../../test/helpers/schemas/spdx-2.3.ts';

const require = createRequire(import.meta.url);
const cdxSchemaDir = join(dirname(require.resolve('@cyclonedx/cyclonedx-library/package.json')), 'res', 'schema');
const readJson = (path: string): Record<string, unknown> => JSON.parse(readFileSync(path, 'utf8'));
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => void;

function newAjv(): Ajv {
  const ajv = new Ajv({ strict: false, allErrors: false, validateSchema: false });
  addFormats(ajv);
  ajv.addFormat('idn-email', true);
  ajv.addFormat('iri-reference', true);
  return ajv;
}

/** Errors of a CycloneDX 1.6 JSON document against the official schema; [] when valid. */
export function cycloneDxJsonErrors(text: string): string[] {
  const ajv = newAjv();
  ajv.addSchema(readJson(join(cdxSchemaDir, 'spdx.SNAPSHOT.schema.json')), 'http://cyclonedx.org/schema/spdx.SNAPSHOT.schema.json');
  ajv.addSchema(readJson(join(cdxSchemaDir, 'jsf-0.82.SNAPSHOT.schema.json')), 'http://cyclonedx.org/schema/jsf-0.82.SNAPSHOT.schema.json');
  ajv.addSchema(
    readJson(join(cdxSchemaDir, 'cryptography-defs.SNAPSHOT.schema.json')),
    'http://cyclonedx.org/schema/cryptography-defs.SNAPSHOT.schema.json',
  );
  const validate = ajv.compile(readJson(join(cdxSchemaDir, 'bom-1.6.SNAPSHOT.schema.json')));
  return validate(JSON.parse(text)) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

/** Errors of an SPDX 2.3 JSON document against sgci's SPDX 2.3 schema (written from the specification). */
export function spdxJsonErrors(text: string): string[] {
  const validate = newAjv().compile(spdx23Schema);
  return validate(JSON.parse(text)) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

export function xmllintMissing(): string | undefined {
  return spawnSync('xmllint', ['--version']).status === 0 ? undefined : 'xmllint not installed (apt-get install libxml2-utils)';
}

/** Errors of a CycloneDX 1.6 XML document against the official XSD, checked by libxml2's xmllint. */
export function cycloneDxXmlErrors(text: string): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'sgci-cdx-xml-'));
  try {
    const file = join(dir, 'bom.xml');
    writeFileSync(file, text);
    const r = spawnSync('xmllint', ['--noout', '--nonet', '--schema', join(cdxSchemaDir, 'bom-1.6.SNAPSHOT.xsd'), file], {
      encoding: 'utf8',
    });
    return r.status === 0 ? [] : [r.stderr.trim()];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
