"""Selective state-space (Mamba-1 style, no causal conv) regime model, pure PyTorch 1.13.

Per layer (d_inner = d_model, i.e. expand = 1, so the SSM state is [d_model, d_state]):
    u_n = LayerNorm(u)
    xz  = in_proj(u_n)                    Linear(d_model -> 2 d_model, no bias); x, z = split
    x   = SiLU(x)
    dbc = x_proj(x)                       Linear(d_model -> dt_rank + 2 d_state, no bias)
    delta = softplus(dt_proj(dbc[:dt_rank]))     Linear(dt_rank -> d_model, bias), input-dependent
    B, C  = dbc[dt_rank : dt_rank + d_state], dbc[dt_rank + d_state :]   input-dependent
    A     = -exp(A_log)   [d_model, d_state], S4D-Real init A_log = log(1..d_state)
    A_bar = exp(delta * A),  B_bar x = delta * B * x        (Mamba shortcut B_bar ~ delta B)
    h_t   = A_bar * h_{t-1} + B_bar x_t                     (diagonal, per channel d and state n)
    y     = <h_t, C_t> + D * x;   y = y * SiLU(z);   out = out_proj(y)   Linear(d_model -> d_model, no bias)
    u     = u + out                                         (pre-norm residual)
Model: in_proj Linear(F -> d_model) -> N layers -> LayerNorm -> latent [d_model] -> head Linear(d_model -> 2)
-> softmax = p [stable, stress]. An auxiliary training-only head Linear(d_model -> 1) regresses the
standardised log true variance (hidden volatility); it is not exported.
"""
from __future__ import annotations

import math

import torch
import torch.nn as nn
import torch.nn.functional as Fn


class SelectiveSSM(nn.Module):
    def __init__(self, d_model: int, d_state: int, dt_rank: int, dt_min=1e-3, dt_max=1e-1):
        super().__init__()
        self.d_model, self.d_state, self.dt_rank = d_model, d_state, dt_rank
        self.norm = nn.LayerNorm(d_model)
        self.in_proj = nn.Linear(d_model, 2 * d_model, bias=False)
        self.x_proj = nn.Linear(d_model, dt_rank + 2 * d_state, bias=False)
        self.dt_proj = nn.Linear(dt_rank, d_model, bias=True)
        nn.init.uniform_(self.dt_proj.weight, -dt_rank ** -0.5, dt_rank ** -0.5)
        dt = torch.exp(torch.rand(d_model) * (math.log(dt_max) - math.log(dt_min)) + math.log(dt_min)).clamp(min=1e-4)
        with torch.no_grad():
            self.dt_proj.bias.copy_(dt + torch.log(-torch.expm1(-dt)))  # inverse softplus
        self.A_log = nn.Parameter(torch.log(torch.arange(1, d_state + 1, dtype=torch.float32)).repeat(d_model, 1))
        self.D = nn.Parameter(torch.ones(d_model))
        self.out_proj = nn.Linear(d_model, d_model, bias=False)

    def _project(self, u):
        """u [..., d_model] -> x, z, delta, B, C (all input-dependent)."""
        xz = self.in_proj(self.norm(u))
        x, z = xz.split(self.d_model, dim=-1)
        x = Fn.silu(x)
        dbc = self.x_proj(x)
        d, B, C = dbc.split([self.dt_rank, self.d_state, self.d_state], dim=-1)
        delta = Fn.softplus(self.dt_proj(d))
        return x, z, delta, B, C

    def forward_seq(self, u, h):
        """u [B, L, d_model], h [B, d_model, d_state] -> (u_out [B, L, d_model], h_last)."""
        x, z, delta, B, C = self._project(u)
        A = -torch.exp(self.A_log)  # [D, N]
        dA = torch.exp(delta.unsqueeze(-1) * A)  # [B, L, D, N]
        dBx = (delta * x).unsqueeze(-1) * B.unsqueeze(2)  # [B, L, D, N]
        hs = []
        # recurrent scan, Python loop over time (unbind: cheap backward, unlike per-step slicing)
        for a_t, b_t in zip(dA.unbind(1), dBx.unbind(1)):
            h = a_t * h + b_t
            hs.append(h)
        H = torch.stack(hs, dim=1)  # [B, L, D, N]
        y = (H * C.unsqueeze(2)).sum(-1) + self.D * x
        y = y * Fn.silu(z)
        return u + self.out_proj(y), h

    def step(self, u, h):
        """u [B, d_model], h [B, d_model, d_state] -> (u_out, h_new). Same maths, one bar."""
        x, z, delta, B, C = self._project(u)
        A = -torch.exp(self.A_log)
        h = torch.exp(delta.unsqueeze(-1) * A) * h + (delta * x).unsqueeze(-1) * B.unsqueeze(1)
        y = (h * C.unsqueeze(1)).sum(-1) + self.D * x
        y = y * Fn.silu(z)
        return u + self.out_proj(y), h


class RegimeSSM(nn.Module):
    def __init__(self, n_features=5, d_model=64, d_state=16, n_layers=2, n_classes=2):
        super().__init__()
        self.n_features, self.d_model, self.d_state, self.n_layers = n_features, d_model, d_state, n_layers
        self.dt_rank = math.ceil(d_model / 16)
        self.in_proj = nn.Linear(n_features, d_model)
        self.layers = nn.ModuleList([SelectiveSSM(d_model, d_state, self.dt_rank) for _ in range(n_layers)])
        self.norm_f = nn.LayerNorm(d_model)
        self.head = nn.Linear(d_model, n_classes)
        self.aux_head = nn.Linear(d_model, 1)  # training only (log-variance regression)

    def zero_state(self, batch: int):
        return torch.zeros(batch, self.n_layers, self.d_model, self.d_state)

    def forward_seq(self, x, state):
        """x [B, L, F], state [B, N_layers, D, N] -> logits [B, L, 2], latent [B, L, D], aux [B, L], state_out."""
        u = self.in_proj(x)
        new = []
        for i, layer in enumerate(self.layers):
            u, h = layer.forward_seq(u, state[:, i])
            new.append(h)
        lat = self.norm_f(u)
        return self.head(lat), lat, self.aux_head(lat).squeeze(-1), torch.stack(new, dim=1)

    def step(self, x, state):
        """x [B, F], state [B, N_layers, D, N] -> p [B, 2] softmax, latent [B, D], state_out."""
        u = self.in_proj(x)
        new = []
        for i, layer in enumerate(self.layers):
            u, h = layer.step(u, state[:, i])
            new.append(h)
        lat = self.norm_f(u)
        p = torch.softmax(self.head(lat), dim=-1)
        return p, lat, torch.stack(new, dim=1)

    def n_params(self, exported_only=True):
        return sum(p.numel() for n, p in self.named_parameters() if not (exported_only and n.startswith("aux_head")))


class StepGraph(nn.Module):
    """Wrapper exported to ONNX: (x [1,F], state [1,N_layers,D,N]) -> (p [1,2], latent [1,D], state_out)."""

    def __init__(self, model: RegimeSSM):
        super().__init__()
        self.model = model

    def forward(self, x, state):
        return self.model.step(x, state)



def chunk_scan_unrolled(layer: SelectiveSSM, u, h):
    """Chunk-graph version of `SelectiveSSM.forward_seq`: u [B, T, d_model], h [B, d_model, d_state] ->
    (u_out [B, T, d_model], h_last). Identical maths and operation order per bar (h = A_bar_t * h + B_bar_t x_t), but
    the per-bar slices keep their length-1 time axis (split/cat instead of unbind/stack), so the traced ONNX graph has
    only a Mul and an Add per bar and layer (no Squeeze/Unsqueeze)."""
    x, z, delta, B, C = layer._project(u)
    A = -torch.exp(layer.A_log)  # [D, N]
    dA = torch.exp(delta.unsqueeze(-1) * A)  # [B, T, D, N]
    dBx = (delta * x).unsqueeze(-1) * B.unsqueeze(2)  # [B, T, D, N]
    h = h.unsqueeze(1)  # [B, 1, D, N]
    hs = []
    for a_t, b_t in zip(dA.split(1, dim=1), dBx.split(1, dim=1)):
        h = a_t * h + b_t
        hs.append(h)
    H = torch.cat(hs, dim=1)  # [B, T, D, N]
    y = (H * C.unsqueeze(2)).sum(-1) + layer.D * x
    y = y * Fn.silu(z)
    return u + layer.out_proj(y), h.squeeze(1)


class ChunkGraph(nn.Module):
    """Wrapper exported to ONNX as the chunk graph: (x [1,T,F], state [1,N_layers,D,N]) ->
    (p [1,T,2], latent [1,T,D], state_out). Same maths as T consecutive `step` calls: the projections run batched
    over the T bars and the diagonal recurrence h_t = A_bar_t * h_{t-1} + B_bar_t x_t is unrolled over the fixed T
    at trace time (`chunk_scan_unrolled`); the training-only aux head is not part of it."""

    def __init__(self, model: RegimeSSM):
        super().__init__()
        self.model = model

    def forward(self, x, state):
        m = self.model
        u = m.in_proj(x)
        new = []
        for i, layer in enumerate(m.layers):
            u, h = chunk_scan_unrolled(layer, u, state[:, i])
            new.append(h)
        lat = m.norm_f(u)
        return torch.softmax(m.head(lat), dim=-1), lat, torch.stack(new, dim=1)
