import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';
import { isSgciError } from '../core/index.ts';
import { loadServerConfig, serverConfigJsonSchema } from './index.ts';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;
const repo = resolve(import.meta.dirname, '..', '..');
const version = '1.0.0';
const schemaPath = join(repo, 'schema', `server-config-${version}.json`);
const examplePath = join(repo, 'docs', 'sgci-server.example.yaml');

test('schema/server-config-<version>.json is the generated schema (UPDATE_GOLDEN=1 rewrites it)', async () => {
  const generated = `${JSON.stringify(serverConfigJsonSchema(version), null, 2)}\n`;
  if (process.env.UPDATE_GOLDEN === '1') await writeFile(schemaPath, generated);
  assert.equal(readFileSync(schemaPath, 'utf8'), generated);
});

/** The published schema as an editor or CI would check a configuration against it: formats included. */
function validator(schema: object) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  return ajv.compile(schema);
}

test('the deployment example passes the published schema and the loader alike', () => {
  const validate = validator(JSON.parse(readFileSync(schemaPath, 'utf8')));
  const example = readFileSync(examplePath, 'utf8');
  assert.equal(validate(parse(example)), true, JSON.stringify(validate.errors));
  const config = loadServerConfig({ file: examplePath, env: {} });
  assert.equal(config.host, '0.0.0.0');
  assert.equal(config.port, 8080);
  assert.equal(config.tls, true);
  assert.equal(config.workers, 2);
  assert.deepEqual(config.insecureRegistry, ['10.20.0.15:5000']);
});

test('a misspelt key is refused by the schema and by the loader, which names it', async () => {
  const validate = validator(serverConfigJsonSchema(version));
  const wrong = 'listen: "0.0.0.0:8080"\nworker: 2\n';
  assert.equal(validate(parse(wrong)), false);
  const file = join(await mkdtemp(join(tmpdir(), 'sgci-config-')), 'serve.yaml');
  await writeFile(file, wrong);
  assert.throws(
    () => loadServerConfig({ file, env: {} }),
    (error) => isSgciError(error, 'CONFIG_INVALID') && error.message.includes(file) && /"worker"/.test(error.message),
  );
});

test('the operator’s details pass the published schema and the loader; an unknown detail is named', async () => {
  const validate = validator(serverConfigJsonSchema(version));
  const yaml = 'operator:\n  postalAddress: ["Beispielstraße 1", "10117 Berlin"]\n  vatId: " DE123456789 "\n';
  assert.equal(validate(parse(yaml)), true, JSON.stringify(validate.errors));
  const dir = await mkdtemp(join(tmpdir(), 'sgci-config-'));
  await writeFile(join(dir, 'serve.yaml'), yaml);
  const config = loadServerConfig({ file: join(dir, 'serve.yaml'), env: {} });
  assert.deepEqual(config.operator, { postalAddress: ['Beispielstraße 1', '10117 Berlin'], vatId: 'DE123456789' });
  await writeFile(join(dir, 'wrong.yaml'), 'operator:\n  fax: "030 123"\n');
  assert.throws(
    () => loadServerConfig({ file: join(dir, 'wrong.yaml'), env: {} }),
    (error) => isSgciError(error, 'CONFIG_INVALID') && /operator/.test(error.message) && /"fax"/.test(error.message),
  );
});
