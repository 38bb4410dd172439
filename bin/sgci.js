#!/usr/bin/env node
// sgci runs its TypeScript sources directly on Node's built-in type stripping (Node >= 22.18).
if (!process.features?.typescript) {
  process.stderr.write(
    `sgci: Node.js ${process.versions.node} cannot run TypeScript sources; use Node.js 24 LTS (or 22.18+)\n`,
  );
  process.exit(2);
}
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv);
