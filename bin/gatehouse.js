#!/usr/bin/env node
// The `gatehouse` command (npx gatehouse …): runs src/cli/main.ts bundled into dist/cli/main.js, rebuilt first when
// any source is newer (as `npm start` does for the server, docs/decisions/0002): plain JavaScript starts in a
// fraction of the time a TypeScript loader takes to compile the CLI's modules on every command.
import { pathToFileURL } from 'node:url';
import { buildCli, bundleIsFresh, cliBundle } from '../scripts/build-server-if-stale.mjs';

if (!bundleIsFresh(cliBundle)) await buildCli();
await import(pathToFileURL(cliBundle).href);
