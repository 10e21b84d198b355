/** Finds kubectl, installing Debian's kubernetes-client when it is missing (we run as root in CI). */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The path of a working kubectl; installs it through scripts/install-peers.sh if none is on PATH. */
export async function ensureKubectl(): Promise<string> {
  const find = async (): Promise<string | undefined> => {
    try {
      const { stdout } = await run('sh', ['-c', 'command -v kubectl']);
      return stdout.trim() || undefined;
    } catch {
      return undefined;
    }
  };
  const found = await find();
  if (found !== undefined) return found;
  await run('bash', ['scripts/install-peers.sh'], { timeout: 300_000 });
  const installed = await find();
  if (installed === undefined) throw new Error('kubectl is not on PATH and scripts/install-peers.sh could not install it');
  return installed;
}
