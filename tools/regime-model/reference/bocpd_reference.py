# Reference for src/main/regime/bocpd.test.ts: Adams & MacKay (2007) BOCPD written directly from
# the paper's recursion with SciPy's Student-t and incomplete gamma, independent of the TypeScript.
#   python3 tools/regime-model/reference/bocpd_reference.py > src/main/regime/bocpd.reference.json
import json
import numpy as np
import scipy
from scipy import special, stats

rng = np.random.default_rng(7)
x = np.concatenate([0.01 * rng.standard_normal(150), 0.002 + 0.03 * rng.standard_normal(150)])
lam, L = 100.0, 50  # hazard run length, last kept run length (longer runs pruned)
mu0, kappa0, alpha0, beta0 = 0.0, 1.0, 2.0, 2e-4
threshold = 3e-4

h = 1.0 / lam
prob = np.array([1.0]); mu = np.array([mu0]); kappa = np.array([kappa0]); alpha = np.array([alpha0]); beta = np.array([beta0])
p_stress, map_rl, posteriors = [], [], {}
for t, xt in enumerate(x):
    nu = 2 * alpha
    scale = np.sqrt(beta * (kappa + 1) / (alpha * kappa))
    pred = stats.t.pdf(xt, nu, loc=mu, scale=scale)
    w = prob * pred
    cp = np.sum(w * h)
    grow = w * (1 - h)
    mu_n = (kappa * mu + xt) / (kappa + 1)
    beta_n = beta + kappa * (xt - mu) ** 2 / (2 * (kappa + 1))
    kappa_n, alpha_n = kappa + 1, alpha + 0.5
    keep = min(len(prob), L)  # runs of length > L are pruned
    prob = np.concatenate([[cp], grow[:keep]])
    mu = np.concatenate([[mu0], mu_n[:keep]]); kappa = np.concatenate([[kappa0], kappa_n[:keep]])
    alpha = np.concatenate([[alpha0], alpha_n[:keep]]); beta = np.concatenate([[beta0], beta_n[:keep]])
    prob = prob / prob.sum()
    live = prob >= 1e-12
    p_stress.append(float(np.sum(prob[live] * special.gammainc(alpha[live], beta[live] / threshold))))
    map_rl.append(int(np.argmax(prob)))
    if t in (10, 149, 160, 299):
        posteriors[str(t)] = prob.tolist()

print(json.dumps({
    'provenance': 'tools/regime-model/reference/bocpd_reference.py, NumPy %s, SciPy %s' % (np.__version__, scipy.__version__),
    'hazardRunLength': lam, 'maxRunLength': L, 'prior': {'mu0': mu0, 'kappa0': kappa0, 'alpha0': alpha0, 'beta0': beta0},
    'threshold': threshold, 'x': x.tolist(), 'pStress': p_stress, 'mapRunLength': map_rl, 'posteriors': posteriors}))
