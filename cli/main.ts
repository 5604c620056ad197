#!/usr/bin/env node
// The `backprop` command. Everything happens in run(); this file only connects it to the process.
import { handleClosedPipes } from './closedPipe.js';
import { run } from './program.js';

handleClosedPipes(process.stdout, process.stderr);
process.exitCode = await run(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
