#!/usr/bin/env node
// The `workflow-cache` command.
import pkg from '../package.json' with { type: 'json' };
import { main } from './cli/main.js';

process.exitCode = await main(process.argv.slice(2), pkg.version);
