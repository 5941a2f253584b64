/**
 * The int8 step at the end of `train`: the saved model's convolution ranges measured on the run's
 * validation windows (src/model/onnx/calibrate.ts) and written to int8.json, so that `analyze`,
 * `live` and `eval-real` run the folder in int8 without a separate calibration. A network ONNX
 * Runtime cannot run (the CRNN) or without quantisable convolutions (the MLP) gets none, and a
 * failure here is a warning: the trained float model is already saved and stays usable.
 */
import { oneLine } from "../errors.js";
import { log } from "../log.js";
import { Int8RangeMeter } from "../model/onnx/calibrate.js";
import { UnsupportedNetworkError } from "../model/onnx/network-spec.js";
import type { WindowStore } from "./window-store.js";

/** Windows per ONNX Runtime call while measuring. */
const BATCH = 64;

/** Writes `modelDir`/int8.json from every window of `store`; returns its path, or undefined where none was written. */
export async function writeInt8FromStore(modelDir: string, store: WindowStore, what: string): Promise<string | undefined> {
  let meter: Int8RangeMeter;
  try {
    meter = await Int8RangeMeter.open(modelDir);
  } catch (err) {
    if (err instanceof UnsupportedNetworkError) {
      log.debug(`${modelDir}: no int8.json (${err.message})`);
      return undefined;
    }
    log.warn(`${modelDir}: no int8.json (${oneLine(err)}); the float model is saved`);
    return undefined;
  }
  try {
    if (meter.convolutions === 0 || store.totalWindows === 0) return undefined;
    await store.forEachBatch(BATCH, (x, _y, n) => meter.observe(x, n));
    const path = await meter.write(modelDir, what);
    log.info(`${path}: int8 ranges of ${meter.convolutions} convolutions from ${meter.windows} windows of ${what}`);
    return path;
  } catch (err) {
    log.warn(`${modelDir}: no int8.json (${oneLine(err)}); the float model is saved`);
    return undefined;
  } finally {
    await meter.release();
  }
}
