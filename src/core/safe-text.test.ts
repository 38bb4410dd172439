import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { markdownCode, markdownText, safeText } from './safe-text.ts';

test('no control, DEL, C1 or bidi character survives safeText; printable text is unchanged', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => {
      assert.doesNotMatch(safeText(text), /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    }),
  );
  fc.assert(
    fc.property(fc.string({ unit: 'grapheme-ascii' }), (text) => {
      if (!/[\u0000-\u001f\u007f]/.test(text)) assert.equal(safeText(text), text);
    }),
  );
  assert.equal(safeText('\u001b]52;c;ZXZpbA==\u0007ok'), '\\x1b]52;c;ZXZpbA==\\x07ok');
  assert.equal(safeText('a\u202eb'), 'a\\u202eb');
});

test('a Markdown code span holds any value on one line and cannot be closed early', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 80 }), (text) => {
      const span = markdownCode(text);
      assert.doesNotMatch(span, /[\r\n]/);
      const fence = /^`+/.exec(span)?.[0] ?? '';
      assert.ok(span.endsWith(fence));
      // the fence never occurs inside: the span ends where it should
      assert.ok(!span.slice(fence.length, span.length - fence.length).includes(fence));
    }),
  );
  assert.equal(markdownCode('a`b'), '``a`b``');
  assert.equal(markdownCode('x\n# heading'), '`x\\x0a# heading`');
  assert.equal(markdownText('[x](javascript:alert(1))\n## h'), '\\[x\\](javascript:alert(1))\\\\x0a## h');
});

test('a value with 200000 runs of backticks still becomes one code span', () => {
  const value = '`a'.repeat(200_000);
  assert.equal(markdownCode(value), `\`\` ${value} \`\``);
});
