import os
import glob, json, math, sys
import numpy as np
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import naive as NV
HERE = os.path.dirname(os.path.abspath(__file__))
for path in sorted(glob.glob(os.path.join(HERE, '../../test/vectors/*.json'))):
    d = json.load(open(path))
    for c in d['cases']:
        fn = NV.FUNCTIONS[c['fn']]
        v = fn(c['params'], c['inputs'])
        w = c['value']
        if isinstance(w, str):
            ok = (str(v) == {'NaN': 'nan', 'Infinity': 'inf'}.get(w, w))
            dv = 0
        else:
            dv = float(np.max(np.abs(np.asarray(v) - np.asarray(w)) / np.maximum(1, np.abs(np.asarray(w)))))
            ok = dv < 1e-9
        dg = 0
        if c['grad'] is not None:
            for k, g in c['grad'].items():
                fg = NV.fd_grad(c, k)
                G = np.asarray(g)
                dg = max(dg, float(np.max(np.abs(fg - G))) / max(1, float(np.abs(G).max())))
        print(f"{c['fn']:22s} {c['name']:45s} dv={dv:.1e} dg_fd={dg:.1e} {'' if ok else 'VALUE MISMATCH'}")
