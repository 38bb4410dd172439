/**
 * Where text was written by package authors rather than by whoever built the image: everything under
 * `/usr/lib` and `/usr/share` (where packages install, per the Filesystem Hierarchy Standard and Debian
 * policy; local software goes to `/usr/local`, `/opt`, `/app`, configuration to `/etc`), system headers, test
 * suites, and the source code and docs of installed or vendored libraries elsewhere (`/app/node_modules`). Such text is full of
 * example credentials (an `access_token` assigned a literal in oauthlib's docstrings, a PostgreSQL URL with user
 * and password in READMEs), so the generic rules (URL and assignment passwords) skip it. Specific rules
 * (private keys, `ghp_` tokens, cloud keys) still run everywhere.
 */
export function isReferenceText(path: string): boolean {
  return packageInstalled.test(path) || isTestPath(path) || (sourceOrDocs.test(path) && libraryTree.test(path));
}

/**
 * Test suites and package documentation: a private key there was published with the package (Python's
 * `test/keycert.pem`, `requests/tests/certs/`), so it protects nothing. It is still reported, but as `medium`,
 * because a real key can be hidden there too.
 */
export function isPublishedFixture(path: string): boolean {
  return packageDocs.test(path) || isTestPath(path);
}

const packageDocs = /^\/usr\/share\/(?:doc|man|info|help|gtk-doc)\//;
const packageInstalled = /^\/usr\/(?:lib|lib32|lib64|libexec|share|include)\//;

/** Debian's language trees, per-ecosystem install folders and vendored third-party code. */
const libraryTree =
  /^\/usr\/(?:lib|share)\/(?:python[23][.\d]*|perl5?|perl\/[\d.]+|[a-z0-9_]+-linux-gnu\/perl[\d.]*|ruby|nodejs|php|lua|tcltk|vim)\/|\/(?:site-packages|dist-packages|node_modules|gems|vendor|vendored|third_party|third-party)\//;

const sourceOrDocs =
  /\.(?:py|pyi|pm|pl|js|mjs|cjs|ts|mts|cts|rb|php|java|go|lua|tcl|vim|md|markdown|rst|txt|html?)$|\/(?:README|CHANGELOG|HISTORY)[^/]*$/i;

const testDirectory = /\/(?:tests?|testdata|testing|fixtures|__tests__|specs?)\//;
const testFile = /\/(?:test_[^/]*\.py|[^/]*_test\.(?:py|go)|[^/]*\.(?:test|spec)\.[cm]?[jt]sx?)$/;

function isTestPath(path: string): boolean {
  return testDirectory.test(path) || testFile.test(path);
}
