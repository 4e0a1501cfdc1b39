import type * as OrtModule from 'onnxruntime-node';
import type { InferenceSession } from 'onnxruntime-node';
import {
  PROBE_EXPECTED_OUTPUT,
  PROBE_INPUT,
  PROBE_INPUT_DIMS,
  PROBE_INPUT_NAME,
  PROBE_OUTPUT_DIMS,
  PROBE_OUTPUT_NAME,
} from './probe-model';

export type ExecutionProviderName = 'cuda' | 'webgpu' | 'cpu';

export const PROVIDER_ORDER: readonly ExecutionProviderName[] = ['cuda', 'webgpu', 'cpu'];

export interface ProviderAttempt {
  provider: ExecutionProviderName;
  ok: boolean;
  error?: string;
  /** Deliberately absent: provider selection must stay clock-free and deterministic. */
  ms?: never;
}

export interface ProviderSelection {
  provider: ExecutionProviderName;
  session: InferenceSession;
  attempts: ProviderAttempt[];
}

const TOLERANCE = 1e-5;
/**
 * How long one provider may take to load and answer the probe before the next is tried.
 * GPU providers can stall initialising a driver; CPU never needs more than milliseconds.
 */
export const PROVIDER_TIMEOUT_MS = 15_000;
const MAX_ERROR_CHARS = 200;

export const NOT_IN_BUILD = 'not available in this build';
export const CPU_FALLBACK = 'nodes fell back to the CPU EP, provider not really used';

/**
 * Providers compiled into the native binding. This is a build-time list
 * (`cuda` is listed with `bundled: false` even when its shared libraries were
 * never downloaded), so it only rules providers out; loading a session is the
 * real test. `undefined` when the binding does not expose the list.
 */
function compiledProviders(ort: typeof OrtModule): Set<string> | undefined {
  if (typeof ort.listSupportedBackends !== 'function') return undefined;
  return new Set(ort.listSupportedBackends().map((b) => b.name));
}

/** First line of an error, without onnxruntime's source-location noise, at most 200 chars. */
export function shortError(err: unknown): string {
  const raw = err instanceof Error ? err.message : String(err);
  let line = raw.split('\n').find((l) => l.trim() !== '')?.trim() ?? 'unknown error';
  if (line.includes('fallback to CPU EP has been explicitly disabled')) return CPU_FALLBACK;
  // ORT_ENFORCE messages read "<file>:<line> <function> <condition> was false. <message>".
  const enforced = /\bwas false\.\s*(\S.*)$/.exec(line);
  if (enforced?.[1]) line = enforced[1];
  line = line.replace(/^\[ONNXRuntimeError\]\s*:\s*\d+\s*:\s*\w+\s*:\s*/, '');
  return line.length > MAX_ERROR_CHARS ? `${line.slice(0, MAX_ERROR_CHARS - 1)}…` : line;
}

function sessionOptions(provider: ExecutionProviderName): InferenceSession.SessionOptions {
  const options: InferenceSession.SessionOptions = {
    executionProviders: [provider],
    graphOptimizationLevel: 'all',
  };
  if (provider !== 'cpu') {
    // ORT always appends the CPU EP and quietly assigns it any node the requested
    // EP declines; this makes such a session fail to load instead of "working".
    options.extra = { session: { disable_cpu_ep_fallback: '1' } };
  }
  return options;
}

/** Returns undefined when the output matches, else a description of the mismatch. */
async function checkProbeOutput(ort: typeof OrtModule, session: InferenceSession): Promise<string | undefined> {
  const input = new ort.Tensor('float32', Float32Array.from(PROBE_INPUT), [...PROBE_INPUT_DIMS]);
  const outputs = await session.run({ [PROBE_INPUT_NAME]: input });
  const y = outputs[PROBE_OUTPUT_NAME];
  if (!y) return `probe output '${PROBE_OUTPUT_NAME}' missing`;
  if (y.type !== 'float32') return `probe output has type ${y.type}, expected float32`;
  if (y.dims.join('x') !== PROBE_OUTPUT_DIMS.join('x')) {
    return `probe output has shape [${y.dims.join(', ')}], expected [${PROBE_OUTPUT_DIMS.join(', ')}]`;
  }
  const actual = Array.from(y.data as Float32Array);
  const matches =
    actual.length === PROBE_EXPECTED_OUTPUT.length &&
    actual.every((v, i) => Math.abs(v - (PROBE_EXPECTED_OUTPUT[i] ?? Number.NaN)) <= TOLERANCE);
  return matches ? undefined : `wrong probe output [${actual.join(', ')}], expected [${PROBE_EXPECTED_OUTPUT.join(', ')}]`;
}

async function tryProvider(
  ort: typeof OrtModule,
  modelBytes: Uint8Array,
  provider: ExecutionProviderName,
): Promise<{ session: InferenceSession } | { error: string }> {
  let session: InferenceSession | undefined;
  try {
    session = await ort.InferenceSession.create(modelBytes, sessionOptions(provider));
    const mismatch = await checkProbeOutput(ort, session);
    if (mismatch === undefined) return { session };
    await session.release().catch(() => undefined);
    return { error: mismatch };
  } catch (err) {
    await session?.release().catch(() => undefined);
    return { error: shortError(err) };
  }
}

/**
 * tryProvider bounded in time (a timer, not a clock read: selection stays deterministic in
 * what it reports). A session that loads after the deadline is released, never leaked.
 */
async function tryProviderWithin(
  ort: typeof OrtModule,
  modelBytes: Uint8Array,
  provider: ExecutionProviderName,
  timeoutMs: number,
): Promise<{ session: InferenceSession } | { error: string }> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let timedOut = false;
  const attempt = tryProvider(ort, modelBytes, provider);
  const deadline = new Promise<{ error: string }>((resolve) => {
    timer = setTimeout(() => {
      timedOut = true;
      resolve({ error: `no answer within ${timeoutMs / 1000} s; skipped` });
    }, timeoutMs);
  });
  const result = await Promise.race([attempt, deadline]);
  clearTimeout(timer);
  if (timedOut) {
    void attempt.then((late) => ('session' in late ? late.session.release() : undefined)).catch(() => undefined);
  }
  return result;
}

/**
 * Tries each provider in order with the probe model and returns the first whose
 * session loads with every node on that provider and reproduces the expected output.
 */
export async function selectExecutionProvider(
  ort: typeof OrtModule,
  modelBytes: Uint8Array,
  order: readonly ExecutionProviderName[] = PROVIDER_ORDER,
  timeoutMs: number = PROVIDER_TIMEOUT_MS,
): Promise<ProviderSelection> {
  const compiled = compiledProviders(ort);
  const attempts: ProviderAttempt[] = [];
  for (const provider of order) {
    if (compiled && !compiled.has(provider)) {
      attempts.push({ provider, ok: false, error: NOT_IN_BUILD });
      continue;
    }
    const result = await tryProviderWithin(ort, modelBytes, provider, timeoutMs);
    if ('session' in result) {
      attempts.push({ provider, ok: true });
      return { provider, session: result.session, attempts };
    }
    attempts.push({ provider, ok: false, error: result.error });
  }
  const tried = attempts.length > 0 ? describeProviders(attempts) : 'no providers requested';
  throw new Error(`No execution provider answered the probe model (${tried})`);
}

/** One line, e.g. "cuda: not available in this build; webgpu: No supported adapters; cpu: ok". */
export function describeProviders(attempts: readonly ProviderAttempt[]): string {
  return attempts.map((a) => `${a.provider}: ${a.ok ? 'ok' : (a.error ?? 'failed')}`).join('; ');
}
