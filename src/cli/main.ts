#!/usr/bin/env node
import { runCli } from './run.js';

// A reader that went away (`redis-print decode *.etf | head -1`) is the normal end of a pipeline,
// not an error: without a listener, Node throws the EPIPE as an uncaught exception. Commands see
// the stream destroyed and stop; the exit code is the one the command would have had.
for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);

process.exitCode = await runCli(process.argv.slice(2));
