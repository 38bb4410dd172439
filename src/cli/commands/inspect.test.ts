import assert from 'node:assert/strict';
import { test } from 'node:test';
import { maskCommand } from './inspect.ts';

test('maskCommand masks secret build args, flags and URL passwords, and leaves the rest', () => {
  const cases: [string, string][] = [
    [
      'RUN |1 GITHUB_TOKEN=ghp_abcdefghijklmnopqrstuvwxyz0123456789 /bin/sh -c ./x',
      'RUN |1 GITHUB_TOKEN=**** /bin/sh -c ./x',
    ],
    ['RUN |2 API_KEY="abc def" FOO=bar sh', 'RUN |2 API_KEY="****" FOO=bar sh'],
    ['--password=hunter2xyz', '--password=****'],
    ['server --db-url postgres://u:pw12345@h/db', 'server --db-url postgres://u:****@h/db'],
    ['PATH=/usr/bin:/bin', 'PATH=/usr/bin:/bin'],
    ['COPY app/ /app/', 'COPY app/ /app/'],
  ];
  for (const [input, expected] of cases) assert.equal(maskCommand(input), expected, input);
});
