#!/usr/bin/python3
"""Experiment (issue 20 item 2): v1 fine-tuned with a detection-delay term, exported for the CLI to score.

    /usr/bin/python3 tools/regime-model/finetune_delay.py --out /tmp/ft --series 64 --epochs 2 --lam 1 --K 40
    MECHANICA_MODELS=/tmp/ft node out/main/cli.js regime --lab heston-regime --compare --seeds 2000..2015 --json --model regime-ssm

Loss: v1's cross-entropy + lam * mean over the first K bars after each switch to stress of the survival
S_t = prod_{j=switch..t} P(calm)_j, i.e. the expected detection delay / K (differentiable, so being late costs
directly, not only through per-bar weights). Starts from the shipped v1 weights (read from its step graph, as
time_torch.py does) and keeps v1's features and normalisation. Writes <out>/regime-ssm.{onnx,card.json} (v1's card
with the new sha256 and phase space; no chunk graph) so `--model regime-ssm` with MECHANICA_MODELS=<out> scores it.
An experiment, not a shipping path: a winner must be retrained and exported by train.py's rules (fixtures, parity).
Score it on validation seeds 2000-2015 only; held-out seeds 3000+ once, for the chosen candidate.
"""
import sys, json, hashlib, time, argparse
from pathlib import Path
sys.dont_write_bytecode = True
HERE = Path(__file__).resolve().parent; REPO = HERE.parent.parent; sys.path.insert(0, str(HERE))
import numpy as np, torch, torch.nn.functional as Fn
import train as base, time_torch
from model import StepGraph
ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter); ap.add_argument('--out', required=True); ap.add_argument('--lam', type=float, default=1.0)
ap.add_argument('--K', type=int, default=40); ap.add_argument('--epochs', type=int, default=1); ap.add_argument('--lr', type=float, default=3e-4)
ap.add_argument('--series', type=int, default=64); a = ap.parse_args()
base.set_determinism(7); rng = np.random.default_rng(7); t0 = time.time()
model, card = time_torch.load_shipped(REPO / 'resources/models', 'regime-ssm')
nf = card['features']['normalisation']; mean, std = np.asarray(nf['mean']), np.asarray(nf['std'])
tr = base.make_split(base.SPLITS['train'][:a.series]); va = base.make_split(base.SPLITS['validation'])
X = {'train': base.stack(tr, 'x', mean, std).astype(np.float32), 'validation': base.stack(va, 'x', mean, std).astype(np.float32)}
Y = {'train': base.stack(tr, 'label'), 'validation': base.stack(va, 'label')}
def since_switch(lab):  # bars since the last switch to stress, inf outside stress
    k = np.full(lab.shape, 10**9, dtype=np.int64)
    for i in range(lab.shape[0]):
        c = 10**9
        for t in range(1, lab.shape[1]):
            c = 0 if (lab[i, t] == 1 and lab[i, t - 1] == 0) else (c + 1 if lab[i, t] == 1 else 10**9)
            k[i, t] = c
    return k
KS = since_switch(Y['train'])
print(f'data {time.time()-t0:.0f}s', flush=True)
opt = torch.optim.Adam([p for n, p in model.named_parameters() if not n.startswith('aux_head')], lr=a.lr)
L, B = base.TRAIN['chunk_len'], base.TRAIN['streams_per_batch']
for epoch in range(a.epochs):
    model.train(); perm = rng.permutation(len(tr)); off = int(rng.integers(0, L)); ces, dls = [], []
    for g in range(0, len(tr), B):
        idx = perm[g:g + B]
        xs, ys, ks = torch.from_numpy(X['train'][idx, off:]), torch.from_numpy(Y['train'][idx, off:]), torch.from_numpy(KS[idx, off:])
        state = model.zero_state(len(idx))
        for c in range(0, (xs.shape[1] // L) * L, L):
            lo, _, _, state = model.forward_seq(xs[:, c:c + L], state); state = state.detach()
            y, k = ys[:, c:c + L], ks[:, c:c + L]
            ce = Fn.cross_entropy(lo.reshape(-1, 2), y.reshape(-1))
            inwin = (k < a.K)
            logcalm = torch.log_softmax(lo, -1)[..., 0] * inwin
            C = torch.cat([torch.zeros(len(idx), 1), torch.cumsum(logcalm, 1)], 1)
            t = torch.arange(L).expand_as(k); start = torch.clamp(t - torch.clamp(k, max=L), min=0)
            logS = C.gather(1, t + 1) - C.gather(1, start)
            n = inwin.sum()
            delay = (torch.exp(logS) * inwin).sum() / (n if n > 0 else 1)  # mean survival = expected delay / K
            loss = ce + a.lam * delay
            opt.zero_grad(); loss.backward(); torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0); opt.step()
            ces.append(float(ce)); dls.append(float(delay))
    model.eval(); pv, _ = base.run_stream(model, X['validation'])
    vce = float(-np.mean(np.log(np.take_along_axis(pv, Y['validation'][..., None], -1) + 1e-12)))
    m = base.metrics([p.argmax(-1) for p in pv], list(Y['validation']))
    print(f"epoch {epoch+1}: ce {np.mean(ces):.4f} delay {np.mean(dls):.4f} | val ce {vce:.4f} F1 {m['stress_f1']:.3f} TTD {m['ttd_to_stress']['mean_bars']:.1f} FA {m['false_alarms_per_1000_stable_bars']:.2f} ({time.time()-t0:.0f}s)", flush=True)
out = Path(a.out); out.mkdir(parents=True, exist_ok=True)
Xp = {'train': X['train'], 'validation': X['validation']}; Yp = {'train': Y['train']}
Ztr, pmean, comps, evr, cent_pca, cent_lat, d_pca, d_lat = base.phase_space(model, Xp, Yp)
onnx_path = out / 'regime-ssm.onnx'
torch.onnx.export(StepGraph(model).eval(), (torch.zeros(1, 5), model.zero_state(1)), str(onnx_path), opset_version=17,
                  do_constant_folding=True, input_names=['x', 'state'], output_names=['p', 'latent', 'state_out'])
card['onnx']['sha256'] = hashlib.sha256(onnx_path.read_bytes()).hexdigest(); card.pop('onnx_chunk', None)
ps = card['phase_space']; ps['pca']['mean'] = base.f32list(pmean); ps['pca']['components'] = [base.f32list(c) for c in comps]
ps['centroids']['pca'] = [base.f32list(c) for c in cent_pca]; ps['ood']['radius_pca'] = float(np.percentile(d_pca, 99))
(out / 'regime-ssm.card.json').write_text(json.dumps(card, indent=1)); print(f'exported {time.time()-t0:.0f}s', flush=True)
