// Runs one CLI command in this process and reports its peak resident memory (for bench/stream.ts).
import './sources.js';
import { run } from '../cli/program.js';

const code = await run(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
process.stderr.write(`${JSON.stringify({ maxRssMB: process.resourceUsage().maxRSS / 1024, code })}\n`);
process.exitCode = code;
