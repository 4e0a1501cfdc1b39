import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import {
  PROBE_EXPECTED_OUTPUT,
  PROBE_INPUT,
  PROBE_INPUT_NAME,
  PROBE_OUTPUT_NAME,
  buildProbeModel,
  encodeVarint,
} from './probe-model';
import {
  CPU_FALLBACK,
  NOT_IN_BUILD,
  PROVIDER_ORDER,
  describeProviders,
  selectExecutionProvider,
  shortError,
} from './providers';

/** Whether the CUDA EP's shared library (downloaded at install time, never bundled) is present. */
function cudaLibraryInstalled(): boolean {
  const require = createRequire(import.meta.url);
  const pkgDir = join(dirname(require.resolve('onnxruntime-node')), '..');
  const binDir = join(pkgDir, 'bin', 'napi-v6', process.platform, process.arch);
  return ['libonnxruntime_providers_cuda.so', 'onnxruntime_providers_cuda.dll'].some((f) => existsSync(join(binDir, f)));
}

describe('encodeVarint', () => {
  it.each([
    [0, [0x00]],
    [1, [0x01]],
    [127, [0x7f]],
    [128, [0x80, 0x01]],
    [300, [0xac, 0x02]],
    [16384, [0x80, 0x80, 0x01]],
    [2 ** 32, [0x80, 0x80, 0x80, 0x80, 0x10]],
    [Number.MAX_SAFE_INTEGER, [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f]],
  ])('encodes %d', (value, bytes) => {
    expect(Array.from(encodeVarint(value))).toEqual(bytes);
  });

  it('rejects values it cannot encode', () => {
    expect(() => encodeVarint(-1)).toThrow(new RangeError('encodeVarint: expected a non-negative safe integer, got -1'));
    expect(() => encodeVarint(1.5)).toThrow(new RangeError('encodeVarint: expected a non-negative safe integer, got 1.5'));
    expect(() => encodeVarint(2 ** 53)).toThrow(new RangeError('encodeVarint: expected a non-negative safe integer, got 9007199254740992'));
  });
});

describe('buildProbeModel', () => {
  it('is deterministic and starts with ModelProto.ir_version = 8', () => {
    const bytes = buildProbeModel();
    expect(Array.from(bytes.subarray(0, 2))).toEqual([0x08, 0x08]);
    expect(buildProbeModel()).toEqual(bytes);
  });

  it('loads on the CPU provider and computes the expected numbers', async () => {
    const session = await ort.InferenceSession.create(buildProbeModel(), { executionProviders: ['cpu'] });
    try {
      expect(session.inputNames).toEqual([PROBE_INPUT_NAME]);
      expect(session.outputNames).toEqual([PROBE_OUTPUT_NAME]);
      const x = new ort.Tensor('float32', Float32Array.from(PROBE_INPUT), [1, 4]);
      const y = (await session.run({ [PROBE_INPUT_NAME]: x }))[PROBE_OUTPUT_NAME];
      expect(y?.dims).toEqual([1, 3]);
      expect(y?.type).toBe('float32');
      const values = Array.from(y?.data as Float32Array);
      expect(values).toHaveLength(PROBE_EXPECTED_OUTPUT.length);
      values.forEach((v, i) => expect(v).toBeCloseTo(PROBE_EXPECTED_OUTPUT[i] ?? Number.NaN, 5));
    } finally {
      await session.release();
    }
  });
});

describe('selectExecutionProvider', () => {
  it('picks the first provider that really answers, recording why earlier ones did not', async () => {
    const { provider, session, attempts } = await selectExecutionProvider(ort, buildProbeModel());
    try {
      expect(attempts.map((a) => a.provider)).toEqual(PROVIDER_ORDER.slice(0, attempts.length));
      const chosen = attempts.findIndex((a) => a.ok);
      expect(chosen).toBe(attempts.length - 1);
      expect(attempts[chosen]?.provider).toBe(provider);
      for (const earlier of attempts.slice(0, chosen)) {
        expect(earlier.ok).toBe(false);
        expect(earlier.error).toMatch(/\S/);
      }
      if (!cudaLibraryInstalled()) {
        // Without the CUDA EP library ORT must not pretend CUDA answered.
        expect(provider).not.toBe('cuda');
        expect(attempts[0]).toMatchObject({ provider: 'cuda', ok: false });
      }
      expect(describeProviders(attempts)).toMatch(new RegExp(`${provider}: ok$`));
    } finally {
      await session.release();
    }
  });

  it('uses the CPU provider when asked only for it', async () => {
    const { provider, session, attempts } = await selectExecutionProvider(ort, buildProbeModel(), ['cpu']);
    await session.release();
    expect(provider).toBe('cpu');
    expect(attempts).toEqual([{ provider: 'cpu', ok: true }]);
  });

  it('skips providers that the native binding was not compiled with', async () => {
    const cpuOnlyBuild = { ...ort, listSupportedBackends: () => [{ name: 'cpu', bundled: true }] } as typeof ort;
    const { provider, session, attempts } = await selectExecutionProvider(cpuOnlyBuild, buildProbeModel());
    await session.release();
    expect(provider).toBe('cpu');
    expect(attempts).toEqual([
      { provider: 'cuda', ok: false, error: NOT_IN_BUILD },
      { provider: 'webgpu', ok: false, error: NOT_IN_BUILD },
      { provider: 'cpu', ok: true },
    ]);
  });

  it('gives up on a provider that does not answer in time and falls back to the next', async () => {
    const create = ort.InferenceSession.create.bind(ort.InferenceSession);
    let lateSession: { release: () => Promise<void> } | undefined;
    let released = false;
    const stalledGpu = {
      ...ort,
      listSupportedBackends: () => [{ name: 'webgpu', bundled: true }, { name: 'cpu', bundled: true }],
      InferenceSession: {
        create: (bytes: Uint8Array, options: { executionProviders: string[] }) => {
          if (options.executionProviders[0] !== 'webgpu') return create(bytes, { executionProviders: ['cpu'] });
          // A driver that hangs, then loads long after the deadline: the late session must be released.
          return new Promise((resolve) =>
            setTimeout(async () => {
              const session = await create(bytes, { executionProviders: ['cpu'] });
              lateSession = { release: async () => { released = true; await session.release(); } };
              resolve({ ...session, run: session.run.bind(session), release: lateSession.release });
            }, 150),
          );
        },
      },
    } as unknown as typeof ort;
    const { provider, session, attempts } = await selectExecutionProvider(stalledGpu, buildProbeModel(), ['webgpu', 'cpu'], 40);
    await session.release();
    expect(provider).toBe('cpu');
    expect(attempts).toEqual([
      { provider: 'webgpu', ok: false, error: 'no answer within 0.04 s; skipped' },
      { provider: 'cpu', ok: true },
    ]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(lateSession).toBeDefined();
    expect(released).toBe(true);
  });

  it('throws an error naming every provider tried when the model is invalid', async () => {
    const model = buildProbeModel();
    const truncated = model.subarray(0, model.length - 17);
    const failure = await selectExecutionProvider(ort, truncated).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(failure).toBeInstanceOf(Error);
    const message = (failure as Error).message;
    for (const provider of PROVIDER_ORDER) expect(message).toContain(`${provider}: `);
    expect(message).not.toMatch(/: ok\b/);
  });
});

describe('describeProviders and shortError', () => {
  it('summarises attempts on one line', () => {
    expect(
      describeProviders([
        { provider: 'cuda', ok: false, error: NOT_IN_BUILD },
        { provider: 'webgpu', ok: false },
        { provider: 'cpu', ok: true },
      ]),
    ).toBe('cuda: not available in this build; webgpu: failed; cpu: ok');
  });

  it('keeps the human part of onnxruntime errors, first line only, capped at 200 chars', () => {
    // Messages as thrown by onnxruntime-node 1.30 on a machine without a GPU.
    expect(
      shortError(
        new Error(
          '/onnxruntime_src/onnxruntime/core/providers/webgpu/webgpu_context.cc:136 onnxruntime::webgpu::WebGpuContext::Initialize(const onnxruntime::webgpu::WebGpuContextConfig&)::<lambda()> adapter_result.status == wgpu::RequestAdapterStatus::Success was false. Failed to get a WebGPU adapter: No supported adapters\n',
        ),
      ),
    ).toBe('Failed to get a WebGPU adapter: No supported adapters');
    expect(shortError(new Error('OrtSessionOptionsAppendExecutionProvider_Cuda: Failed to load shared library'))).toBe(
      'OrtSessionOptionsAppendExecutionProvider_Cuda: Failed to load shared library',
    );
    expect(
      shortError(
        new Error(
          'This session contains graph nodes that are assigned to the default CPU EP, but fallback to CPU EP has been explicitly disabled by the user.',
        ),
      ),
    ).toBe(CPU_FALLBACK);
    expect(shortError('x'.repeat(500))).toHaveLength(200);
    expect(shortError(new Error('\nfirst\nsecond'))).toBe('first');
  });
});

describe('src/main/inference', () => {
  it('never reads the clock or random numbers', () => {
    const dir = dirname(fileURLToPath(import.meta.url));
    const forbidden = /\b(?:Date\s*\.\s*now|performance\s*\.\s*now|Math\s*\.\s*random)\b/;
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
      expect(readFileSync(join(dir, file), 'utf8'), file).not.toMatch(forbidden);
    }
  });
});
