// Benchmark runner: `node bench/run.mjs [section…]` (via `npm run bench`, which builds dist/ first).
// Each section is a module exporting `run()`, measured on the built code in dist/. Adding a section
// is one line below; naming sections on the command line runs only those.
const sections = {
  codec: () => import('./codec.mjs'),
  redis: () => import('./redis.mjs'),
  capture: () => import('./capture.mjs'),
  'capture-cli': () => import('./capture-cli.mjs'),
  ui: () => import('./ui.mjs'),
  e2e: () => import('./e2e.mjs'),
};

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !(name in sections));
if (unknown.length > 0) {
  console.error(`unknown section(s): ${unknown.join(', ')}; known: ${Object.keys(sections).join(', ')}`);
  process.exit(2);
}

for (const [name, load] of Object.entries(sections)) {
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  console.log(`\n== ${name} ==`);
  const section = await load();
  await section.run();
}
