// Runs a Python script with an interpreter that has PyTorch: Debian's /usr/bin/python3 first
// (where apt installs python3-torch), then whatever `python3` is on the PATH.
// On a fresh Debian machine, as root, installs python3-torch, -torchvision and -sklearn when missing.
import { existsSync } from 'node:fs';
import { spawnSync, execSync } from 'node:child_process';

const candidates = [process.env.PYTHON, '/usr/bin/python3', 'python3'].filter(Boolean);
const hasTorch = (py) =>
  spawnSync(py, ['-c', 'import torch, sklearn, torchvision'], { stdio: 'ignore' }).status === 0;

let python = candidates.find(hasTorch);
if (!python) {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot && existsSync('/usr/bin/apt-get')) {
    console.log(
      'PyTorch is missing: installing Debian python3-torch python3-torchvision python3-sklearn…',
    );
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    execSync(
      'apt-get update -qq && apt-get install -y -qq python3-torch python3-torchvision python3-sklearn',
      { stdio: 'inherit', env },
    );
    python = candidates.find(hasTorch);
  }
}
if (!python) {
  console.error(
    'No Python with PyTorch found. Install it (Debian: sudo apt-get install -y python3-torch python3-torchvision python3-sklearn) or set PYTHON.',
  );
  process.exit(1);
}
const result = spawnSync(python, process.argv.slice(2), { stdio: 'inherit' });
process.exit(result.status ?? 1);
