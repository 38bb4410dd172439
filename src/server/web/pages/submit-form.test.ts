import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SgciError } from '../../../core/index.ts';
import { checkRequest, emptyValues, type PostedSubmission, postedSubmission, refusalError } from './submit-form.ts';

const filled: PostedSubmission = {
  values: {
    ...emptyValues,
    image: 'registry.example.de/amt/app:1.0',
    name: 'app',
    descriptionDe: 'Eine Anwendung',
    descriptionEn: 'An application',
    categories: ['application'],
    license: 'EUPL-1.2',
    source: 'https://gitlab.opencode.de/amt/app',
    contact: 'team@amt.example',
  },
  manifests: [],
  vex: [],
};

function errorsOf(posted: PostedSubmission, lang: 'de' | 'en' = 'de'): string[] {
  const checked = checkRequest(lang, posted);
  return checked.ok ? [] : checked.errors.map((e) => `${e.field}: ${e.message}`);
}

test('a filled form is the API’s request; empty optional fields are left out, not sent empty', () => {
  const checked = checkRequest('de', filled);
  assert.ok(checked.ok);
  assert.deepEqual(Object.keys(checked.request).sort(), [
    'categories',
    'contact',
    'description',
    'image',
    'license',
    'name',
    'source',
  ]);
});

test('a missing value and a value of the wrong form read differently, at the form’s field', () => {
  const missing = errorsOf({ ...filled, values: { ...filled.values, descriptionEn: '', categories: [] } });
  assert.deepEqual(missing, [
    'description-en: Bitte beschreiben Sie das Image auf Englisch.',
    'categories: Bitte wählen Sie mindestens eine Kategorie.',
  ]);
  const long = errorsOf({ ...filled, values: { ...filled.values, descriptionDe: 'x'.repeat(4001) } }, 'en');
  assert.deepEqual(long, ['description-de: The German description may be at most 4000 characters long.']);
  const date = errorsOf({ ...filled, values: { ...filled.values, endOfLife: '2028-13-40' } });
  assert.match(date[0] ?? '', /^end-of-life: Bitte geben Sie das Datum als JJJJ-MM-TT an/);
});

test('a file too large, or too many files, is named at its input', () => {
  const big = { name: 'big.yaml', content: 'x'.repeat(1024 * 1024 + 1) };
  assert.match(errorsOf({ ...filled, manifests: [big] })[0] ?? '', /^manifests: Höchstens 50 Manifeste/);
  const many = Array.from({ length: 21 }, (_, i) => ({ name: `${i}.json`, content: '{}' }));
  assert.match(errorsOf({ ...filled, vex: many })[0] ?? '', /^vex: Höchstens 20 VEX-Dokumente/);
});

test('the catalogue’s refusals land at the field they concern, or nowhere (then the page raises them)', () => {
  const request = { name: 'app', organisation: 'amt-b' };
  const at = (error: SgciError) => refusalError('de', error, request)?.field;
  assert.equal(at(new SgciError('REGISTRY_REFUSED', 'image', 'not connecting to 10.0.0.5')), 'image');
  assert.equal(at(new SgciError('REGISTRY_UNAUTHORIZED', 'image', 'denied')), 'image');
  assert.equal(at(new SgciError('CONFLICT', 'sha256:abc', 'already submitted')), 'image');
  assert.equal(at(new SgciError('DOCKERFILE_INVALID', 'dockerfile', 'line 3: unknown instruction')), 'dockerfile');
  assert.equal(at(new SgciError('MANIFESTS_INVALID', 'manifests/x.yaml', 'not YAML')), 'manifests');
  assert.equal(at(new SgciError('VEX_INVALID', 'vex/a.json', 'not a VEX document')), 'vex');
  assert.equal(at(new SgciError('FORBIDDEN', 'app', 'the image belongs to organisation amt-c')), 'name');
  assert.equal(at(new SgciError('FORBIDDEN', 'amt-b', 'you are not a member of this organisation')), 'organisation');
  assert.equal(at(new SgciError('USAGE', 'organisation', 'member of several organisations')), 'organisation');
  assert.equal(at(new SgciError('RATE_LIMITED', 'carla', 'too many')), undefined);
  assert.equal(at(new SgciError('DATABASE_ERROR', 'db', 'gone')), undefined);
  const message = refusalError('en', new SgciError('REGISTRY_REFUSED', 'image', 'not connecting to 10.0.0.5'), request);
  assert.equal(
    message?.message,
    'The catalogue may not query this registry (addresses in its own or an internal network are blocked). Message: not connecting to 10.0.0.5',
  );
});

test('the posted form: trimmed lines, the Dockerfile as written, checkboxes as a list, empty file inputs ignored', async () => {
  const posted = await postedSubmission({
    image: '  registry.example.de/amt/app:1.0 ',
    categories: ['base', 'tool'],
    dockerfile: '\nFROM scratch\n',
    manifests: [new File([''], ''), new File(['kind: Pod'], 'pod.yaml')],
    vex: new File([''], ''),
  });
  assert.equal(posted.values.image, 'registry.example.de/amt/app:1.0');
  assert.deepEqual(posted.values.categories, ['base', 'tool']);
  assert.equal(posted.values.dockerfile, '\nFROM scratch\n');
  assert.deepEqual(posted.manifests, [{ name: 'pod.yaml', content: 'kind: Pod' }]);
  assert.deepEqual(posted.vex, []);
});
