/**
 * The NumPy references, timed inside Python (interpreter start-up and imports excluded):
 * - sgemm peak: float32 2048 x 2048 matmul through NumPy's BLAS (OpenBLAS), GFLOP/s = 2 n³ / t.
 * - mel: the same recipe as src/features/mel.ts (librosa 0.10: centred constant-pad STFT, periodic
 *   Hann, n_fft 1024, hop 256, |X|², Slaney mel 96 bands 0–11025 Hz with Slaney area norm,
 *   power_to_db ref 1, amin 1e-10, top_db 80 over the whole track) in float64, vectorised the
 *   way NumPy code is written (strided frames, rfft over all frames, filterbank as one matmul).
 *   The filterbank is built before the clock starts, as ours is cached after the first call.
 */
import { spawn } from "node:child_process";

/** Result of one Python run: its stdout parsed as JSON. */
async function runPythonJson(code: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const child = spawn("python3", ["-", ...args], { env: { ...process.env, ...env }, stdio: ["pipe", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    child.on("error", reject);
    child.on("close", (rc) => {
      const text = Buffer.concat(out).toString("utf8").trim();
      if (rc !== 0)
        return reject(
          new Error(`python3 exited with ${String(rc)}: ${Buffer.concat(err).toString("utf8").trim().split("\n").slice(-2).join(" | ")}`),
        );
      try {
        resolve(JSON.parse(text.split("\n").pop() ?? "") as unknown);
      } catch {
        reject(new Error(`python3 printed no JSON: ${text.slice(0, 200)}`));
      }
    });
    child.stdin.end(code);
  });
}

const NUMPY_INFO = `
def numpy_info():
    try:
        cfg = np.show_config(mode="dicts")
        blas = cfg.get("Build Dependencies", {}).get("blas", {})
        return "numpy %s, %s %s" % (np.__version__, blas.get("name", "?"), blas.get("version", ""))
    except Exception:
        return "numpy %s" % np.__version__
`;

const SGEMM_PY = `
import json, sys, time
import numpy as np
${NUMPY_INFO}
n, reps = int(sys.argv[1]), int(sys.argv[2])
rng = np.random.default_rng(0)
a = rng.standard_normal((n, n), dtype=np.float32)
b = rng.standard_normal((n, n), dtype=np.float32)
a @ b
ts = []
for _ in range(reps):
    t0 = time.perf_counter(); a @ b; ts.append(time.perf_counter() - t0)
print(json.dumps({"seconds": ts, "info": numpy_info()}))
`;

/** sgemm figures. */
export interface SgemmResult {
  readonly n: number;
  readonly threads: number;
  /** GFLOP/s from the best repetition (a peak; the machine may be shared). */
  readonly gflops: number;
  readonly seconds: readonly number[];
  /** NumPy version and BLAS. */
  readonly info: string;
}

/** Times NumPy float32 n x n matmul on `threads` BLAS threads (OPENBLAS_NUM_THREADS and friends). */
export async function numpySgemm(o: { n?: number; threads: number; reps?: number }): Promise<SgemmResult> {
  const n = o.n ?? 2048;
  const t = String(o.threads);
  const r = (await runPythonJson(SGEMM_PY, [String(n), String(o.reps ?? 7)], {
    OPENBLAS_NUM_THREADS: t,
    OMP_NUM_THREADS: t,
    MKL_NUM_THREADS: t,
  })) as { seconds: number[]; info: string };
  return { n, threads: o.threads, gflops: (2 * n ** 3) / Math.min(...r.seconds) / 1e9, seconds: r.seconds, info: r.info };
}

const MEL_PY = `
import json, sys, time
import numpy as np
${NUMPY_INFO}
path, reps, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
y = np.fromfile(path, dtype=np.float32).astype(np.float64)
sr, n_fft, hop, n_mels = 22050, 1024, 256, 96
F_SP, MIN_LOG_HZ = 200.0 / 3, 1000.0
MIN_LOG_MEL, LOGSTEP = MIN_LOG_HZ / F_SP, np.log(6.4) / 27.0
def hz_to_mel(f):
    f = np.asanyarray(f, dtype=np.float64)
    return np.where(f >= MIN_LOG_HZ, MIN_LOG_MEL + np.log(np.maximum(f, MIN_LOG_HZ) / MIN_LOG_HZ) / LOGSTEP, f / F_SP)
def mel_to_hz(m):
    m = np.asanyarray(m, dtype=np.float64)
    return np.where(m >= MIN_LOG_MEL, MIN_LOG_HZ * np.exp(LOGSTEP * (m - MIN_LOG_MEL)), F_SP * m)
fftfreqs = np.fft.rfftfreq(n_fft, 1.0 / sr)
mel_f = mel_to_hz(np.linspace(hz_to_mel(0.0), hz_to_mel(sr / 2.0), n_mels + 2))
fdiff = np.diff(mel_f)
ramps = np.subtract.outer(mel_f, fftfreqs)
fb = np.maximum(0, np.minimum(-ramps[:-2] / fdiff[:-1, None], ramps[2:] / fdiff[1:, None]))
fb *= (2.0 / (mel_f[2:n_mels + 2] - mel_f[:n_mels]))[:, None]
win = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(n_fft) / n_fft)
def mel_db(y):
    yp = np.pad(y, n_fft // 2)
    n_frames = 1 + len(y) // hop
    frames = np.lib.stride_tricks.as_strided(yp, shape=(n_frames, n_fft), strides=(yp.strides[0] * hop, yp.strides[0]), writeable=False)
    spec = np.fft.rfft(frames * win, axis=1)
    power = spec.real ** 2 + spec.imag ** 2
    db = 10.0 * np.log10(np.maximum(1e-10, fb @ power.T))
    return np.maximum(db, db.max() - 80.0).astype(np.float32)
mel_db(y[: sr * 10])
ts = []
for _ in range(reps):
    t0 = time.perf_counter(); d = mel_db(y); ts.append(time.perf_counter() - t0)
np.save(out, d)
print(json.dumps({"seconds": ts, "frames": int(d.shape[1]), "info": numpy_info()}))
`;

/** NumPy mel figures. */
export interface NumpyMelResult {
  readonly seconds: readonly number[];
  readonly frames: number;
  readonly info: string;
}

/**
 * Times the NumPy mel of the float32 samples in `rawPath` (22050 Hz mono, native float32) on one
 * BLAS thread (our front-end runs on one core), `reps` times; writes its [96, T] dB to `outNpy`.
 */
export async function numpyMel(rawPath: string, outNpy: string, reps: number): Promise<NumpyMelResult> {
  return (await runPythonJson(MEL_PY, [rawPath, String(reps), outNpy], {
    OPENBLAS_NUM_THREADS: "1",
    OMP_NUM_THREADS: "1",
    MKL_NUM_THREADS: "1",
  })) as NumpyMelResult;
}
