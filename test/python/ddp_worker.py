"""One rank (or the single process) of the DDP equivalence test: trains `steps` steps of an
exported run and saves every loss and, on rank 0, the final parameters to OUT.npz.

    RANK=r WORLD_SIZE=K MASTER_ADDR=127.0.0.1 MASTER_PORT=p python3 ddp_worker.py EXPORT_DIR STEPS OUT
"""

import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "pytorch"))

import torch  # noqa: E402

from cplay import distributed as D  # noqa: E402
from cplay.config import load_run  # noqa: E402
from cplay.data import read_export_data  # noqa: E402
from cplay.trainer import Trainer  # noqa: E402


def main() -> None:
    folder, steps, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    torch.set_num_threads(1)
    info = D.setup("cpu")
    run = load_run(folder)
    trainer = Trainer(run, read_export_data(os.path.join(folder, "data")), info)
    losses = []
    for _ in range(steps):
        r = trainer.step()
        if not r.applied:
            raise SystemExit(r.error)
        losses.append(r.loss)
    if info.is_main:
        params = {k: v.detach().numpy() for k, v in trainer.model.state_dict().items()}
        np.savez(out, losses=np.array(losses), **{"p:" + k: v for k, v in params.items()})
    # As train.py: freeing a DDP model can deadlock in torch 1.13's gloo teardown (a rank then spins
    # on after its results are written); leave without destructors, keeping the trainer alive.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
