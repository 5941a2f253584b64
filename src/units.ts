/**
 * Branded units. A `Seconds` cannot be passed where `Samples` is expected without an explicit
 * conversion, which is where unit bugs in audio code usually hide.
 */
declare const brand: unique symbol;
type Brand<T, B extends string> = T & { readonly [brand]: B };

/** A count of audio samples (per channel), an integer. */
export type Samples = Brand<number, "Samples">;
/** A duration or time in seconds. */
export type Seconds = Brand<number, "Seconds">;
/** A frequency or sample rate in hertz. */
export type Hz = Brand<number, "Hz">;
/** A level in decibels. */
export type Db = Brand<number, "Db">;

export const samples = (n: number): Samples => n as Samples;
export const seconds = (s: number): Seconds => s as Seconds;
export const hz = (f: number): Hz => f as Hz;
export const db = (d: number): Db => d as Db;

/** Converts a sample count to seconds at `rateHz`. */
export const samplesToSeconds = (n: Samples, rateHz: Hz): Seconds => (n / rateHz) as Seconds;
/** Converts seconds to a whole number of samples at `rateHz` (rounded to nearest). */
export const secondsToSamples = (s: Seconds, rateHz: Hz): Samples => Math.round(s * rateHz) as Samples;
