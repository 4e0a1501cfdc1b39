# Reference values for src/main/numeric/special.test.ts, from SciPy:
#   python3 tools/regime-model/reference/special_reference.py > src/main/numeric/special.reference.json
import json, numpy as np, scipy, scipy.special as sp, scipy.stats as st
xs=[0.1,0.5,1.0,1.5,2.5,7.25,30.0,171.3,1e-3]
ga=[(0.5,0.2),(1.0,1.0),(2.5,1.0),(2.5,7.0),(10.0,3.0),(10.0,25.0),(101.0,90.0),(101.0,120.0),(0.3,5.0),(3.7,3.7)]
t=[(0.03,4.0,0.001,0.01),(-0.1,2.5,0.0,0.02),(1.0,30.0,0.5,2.0),(0.0,1.0,0.0,1.0)]
print(json.dumps({'scipy':scipy.__version__,'gammaln':[[x,float(sp.gammaln(x))] for x in xs],'gammainc':[[a,x,float(sp.gammainc(a,x))] for a,x in ga],'t_logpdf':[[x,n,m,s,float(st.t.logpdf(x,n,loc=m,scale=s))] for x,n,m,s in t]},indent=None))
