import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';

describe('examples/tail.ts', () => {
  it('tails the simulated test cluster, filtered by a field selector, and exits cleanly', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, TAIL_SECONDS: '3', TAIL_RATE: '60', TAIL_FIELD_SELECTOR: 'type=Warning' };
    delete env.KUBECONFIG;
    const child = spawn(process.execPath, ['--conditions=source', 'examples/tail.ts'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(0);
    const lines = out.trim().split('\n');
    expect(lines.length).toBeGreaterThan(10);
    // Only Warnings: `HH:MM:SS + Warning <namespace> <Kind>/<name> <Reason>[ ×N]: <message>` (`~` for a new version).
    for (const l of lines) expect(l).toMatch(/^\d\d:\d\d:\d\d [+~] Warning +\S+ +\w+\/\S+ \w+( ×\d+)?: /);
    expect(err).toContain('-- synced (initial)');
    expect(err).toMatch(new RegExp(`-- ${lines.length} events printed`));
  }, 30_000);
});
