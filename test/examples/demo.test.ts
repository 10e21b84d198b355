import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';

describe('npm start (examples/demo.ts)', () => {
  it('starts a simulated cluster, watches it and reports what flows, then exits cleanly', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, DEMO_SECONDS: '3', DEMO_RATE: '100' };
    delete env.KUBECONFIG;
    const child = spawn(process.execPath, ['--conditions=source', 'examples/demo.ts'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(err).toBe('');
    expect(code).toBe(0);
    const last = out.trim().split('\n').at(-1) ?? '';
    expect(last).toMatch(/^watching; (\d+) items/);
    expect(Number(/(\d+) items/.exec(last)?.[1])).toBeGreaterThan(50);
    expect(last).toMatch(/top: \w+=\d+/);
  }, 30_000);
});
