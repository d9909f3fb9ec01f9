#!/usr/bin/env node
// The `workflow-cache` command.
import pkg from '../package.json' with { type: 'json' };
import { quietOnClosedPipe } from './cli/closed-pipe.js';
import { main } from './cli/main.js';

quietOnClosedPipe(process.stdout);
quietOnClosedPipe(process.stderr);
process.exitCode = await main(process.argv.slice(2), pkg.version);
