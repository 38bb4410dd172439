import assert from 'node:assert/strict';
import { test } from 'node:test';
import { localeLang } from './scan-options.ts';

test('reports and summaries are German under a German locale, English otherwise', () => {
  assert.equal(localeLang({ LANG: 'de_DE.UTF-8' }), 'de');
  assert.equal(localeLang({ LANG: 'de_AT' }), 'de');
  assert.equal(localeLang({ LANG: 'de' }), 'de');
  assert.equal(localeLang({ LANG: 'en_US.UTF-8', LC_ALL: 'de_CH.UTF-8' }), 'de', 'LC_ALL wins');
  assert.equal(localeLang({ LANG: 'de_DE.UTF-8', LC_MESSAGES: 'C' }), 'en', 'LC_MESSAGES before LANG');
  assert.equal(localeLang({ LANG: 'C.UTF-8' }), 'en');
  assert.equal(localeLang({ LANG: 'dev' }), 'en');
  assert.equal(localeLang({}), 'en');
});
