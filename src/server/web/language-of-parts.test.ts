import assert from 'node:assert/strict';
import { test } from 'node:test';
import { textIn } from '../../report/index.ts';
import { englishText, localizedText, vulnerabilityCell } from './components.ts';

// WCAG 2.1, 3.1.2 Language of Parts: English text on a German page carries lang="en", and only there

test('English-only text is marked as English on a German page, and left plain on an English one', () => {
  assert.equal(String(englishText('de', 'no finding is overdue')), '<span lang="en">no finding is overdue</span>');
  assert.equal(String(englishText('en', 'no finding is overdue')), 'no finding is overdue');
  assert.equal(String(englishText('de', '<b>')), '<span lang="en">&lt;b&gt;</span>', 'escaped');
});

test("a check's reason: the German text on a German page, else the English one, marked", () => {
  assert.equal(String(localizedText('de', 'läuft als root', 'runs as root')), 'läuft als root');
  assert.equal(String(localizedText('de', undefined, 'runs as root')), '<span lang="en">runs as root</span>');
  assert.equal(String(localizedText('de', null, 'runs as root')), '<span lang="en">runs as root</span>');
  assert.equal(String(localizedText('en', 'läuft als root', 'runs as root')), 'runs as root');
});

test('a vulnerability cell names the advisory, its other ids and its English summary', () => {
  const vulnerability = {
    id: 'GHSA-35jh-r3h4-6jhm',
    aliases: ['CVE-2021-23337', 'GHSA-35jh-r3h4-6jhm'],
    summary: 'Command Injection in lodash',
  };
  assert.equal(
    String(vulnerabilityCell('de', vulnerability)),
    '<strong>GHSA-35jh-r3h4-6jhm</strong><br><span class="meta">CVE-2021-23337</span><br><span lang="en">Command Injection in lodash</span>',
  );
  assert.equal(
    String(vulnerabilityCell('en', { id: 'CVE-2021-23337', aliases: [] })),
    '<strong>CVE-2021-23337</strong>',
  );
});

test('the choice is the reports’ own (textIn): German where there is German, else English; nothing, or empty, is none', () => {
  assert.deepEqual(textIn('de', 'deutsch', 'english'), { text: 'deutsch', lang: 'de' });
  assert.deepEqual(textIn('de', null, 'english'), { text: 'english', lang: 'en' });
  assert.deepEqual(textIn('en', 'deutsch', 'english'), { text: 'english', lang: 'en' });
  assert.equal(textIn('en', 'deutsch', null), null);
  assert.equal(localizedText('de', undefined, null), undefined);
  assert.equal(localizedText('de', '', 'english'), undefined, 'an empty text is not shown, as before');
});
