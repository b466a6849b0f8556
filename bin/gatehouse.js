#!/usr/bin/env node
// The `gatehouse` command (npx gatehouse …): loads the TypeScript CLI through tsx, like `npm start` does the server.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
