# Reference for src/main/regime/markov-switching.test.ts: statsmodels' Markov-switching
# regression (Hamilton filter; fitted by EM then BFGS) on a seeded two-regime AR(1) series.
#   /usr/bin/python3 tools/regime-model/reference/markov_switching_reference.py > src/main/regime/markov-switching.reference.json
# (Debian's python3-statsmodels; /usr/bin/python3, not a virtual environment.)
import json
import numpy as np
import statsmodels
import statsmodels.api as sm

rng = np.random.default_rng(11)
n = 900
state = np.zeros(n, dtype=int)
for t in range(1, n):
    stay = 0.985 if state[t - 1] == 0 else 0.96
    state[t] = state[t - 1] if rng.random() < stay else 1 - state[t - 1]
r = np.zeros(n)
for t in range(1, n):
    c, s = (0.0005, 0.008) if state[t] == 0 else (-0.002, 0.025)
    r[t] = c + 0.1 * r[t - 1] + s * rng.standard_normal()

model = sm.tsa.MarkovRegression(r[1:], k_regimes=2, exog=r[:-1], switching_exog=False, switching_variance=True)
res = model.fit(disp=False)
# statsmodels' order: p[0->0], p[1->0], const[0], const[1], x1, sigma2.0, sigma2.1
fixed = np.array([0.97, 0.05, 0.0003, -0.001, 0.05, 0.0001, 0.0005])
fixed_filter = model.filter(fixed)
print(json.dumps({
    'provenance': 'tools/regime-model/reference/markov_switching_reference.py, NumPy %s, statsmodels %s' % (np.__version__, statsmodels.__version__),
    'r': r.tolist(), 'states': state.tolist(),
    'fit': {'params': res.params.tolist(), 'llf': float(res.llf), 'filtered': res.filtered_marginal_probabilities[:, 1].tolist()},
    'fixed': {'params': fixed.tolist(), 'llf': float(fixed_filter.llf), 'filtered': fixed_filter.filtered_marginal_probabilities[:, 1].tolist()}}))
