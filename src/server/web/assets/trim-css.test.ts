import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { siteAssets, usedKernClasses } from './site-assets.ts';
import { trimStylesheet } from './trim-css.ts';

const used = new Set(['kern-btn', 'kern-label']);

test('a rule stays when one of its selectors needs only used classes, and loses the selectors that do not', () => {
  assert.equal(trimStylesheet('.kern-btn{a:1}.kern-card{b:2}', used), '.kern-btn{a:1}');
  assert.equal(trimStylesheet('.kern-card,.kern-btn .kern-label{a:1}', used), '.kern-btn .kern-label{a:1}');
  assert.equal(trimStylesheet('.kern-btn.kern-card{a:1}', used), '');
});

test('rules without classes stay (elements, :root tokens, attributes), and so do @font-face and @keyframes', () => {
  const css =
    ':root{--x:1}html{margin:0}[data-kern-theme=dark]{--y:2}@font-face{src:url(a.woff2)}@keyframes spin{to{rotate:1turn}}';
  assert.equal(trimStylesheet(css, used), css);
});

test('classes under :not() do not count (a missing class makes :not match more), :has() ones do', () => {
  assert.equal(trimStylesheet('.kern-btn:not(.kern-card){a:1}', used), '.kern-btn:not(.kern-card){a:1}');
  assert.equal(trimStylesheet('.kern-btn:has(.kern-card){a:1}', used), '');
  assert.equal(trimStylesheet(':is(body,.kern-dark) .kern-label{a:1}', used), ':is(body,.kern-dark) .kern-label{a:1}');
});

test('a group rule is trimmed inside and dropped when nothing is left; braces and commas in strings do not split', () => {
  assert.equal(
    trimStylesheet('@media (min-width: 1px){.kern-card{a:1}.kern-btn{b:2}}@media print{.kern-card{a:1}}', used),
    '@media (min-width: 1px){.kern-btn{b:2}}',
  );
  const css = '.kern-btn{background:url("data:image/svg+xml,%3Csvg%3E{},.kern-card%3C/svg%3E")}';
  assert.equal(trimStylesheet(css, used), css);
  assert.equal(trimStylesheet('[title="a,.kern-card"].kern-btn{a:1}', used), '[title="a,.kern-card"].kern-btn{a:1}');
});

test('the site stylesheet keeps the components the pages use, drops the ones they do not, and is under two fifths of KERN’s', () => {
  const kern = readFileSync(
    join(fileURLToPath(import.meta.resolve('@kern-ux/native/package.json')), '..', 'dist', 'kern.min.css'),
    'utf8',
  );
  const assets = siteAssets();
  const css = assets.get(assets.stylesheet.slice('/assets/'.length))?.body.toString('utf8') ?? '';
  const classes = usedKernClasses();
  for (const c of [
    'kern-badge--success',
    'kern-alert--danger',
    'kern-btn--primary',
    'kern-form-input__input',
    'kern-form-input__select',
    'kern-form-check__checkbox',
    'kern-fieldset__body',
    'kern-table__cell',
    'kern-kopfzeile__flagge',
    'kern-description-list-item__key',
    'kern-icon--easy-language',
  ]) {
    assert.ok(classes.has(c), `the pages no longer write ${c}`);
    assert.match(css, new RegExp(`\\.${c}[{,:\\s.]`), `.${c} missing from the trimmed stylesheet`);
  }
  assert.doesNotMatch(css, /\.kern-dialog|\.kern-task-list|\.kern-progress|\.kern-icon--dark-mode/);
  // forms with checkboxes (Einreichen) brought it from a third to 34 %; the transfer budget is in pages-privacy
  assert.ok(css.length < kern.length * 0.4, `${css.length} of ${kern.length} bytes`);
});
