/**
 * An oracle process run to its end (escript, elixir): its stdout as Latin-1 text (bytes kept as
 * they are), or an error with its exit code and stderr. `input`, when given, is written to stdin.
 */
import { spawn } from 'node:child_process';

export function childOutput(command: string, args: string[], input?: string): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const child = spawn(command, args, { stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out).toString('latin1'));
      else reject(new Error(`${command} exited with ${code}: ${Buffer.concat(err).toString()}`));
    });
    if (input !== undefined) child.stdin!.end(input);
  });
}
