/**
 * Narrow local typings for the `osc` package (osc.js 2.4.5, CommonJS, no bundled types; there is
 * no @types/osc). Only what bridge/osc-sink.ts uses: encoding and decoding packets with
 * `metadata: true` (every argument carries its OSC type tag), see docs/audio-io.md §5.
 */
declare module "osc" {
  /** One typed argument: "i" int32, "f" float32, "d" float64, "s" string, "h" int64, "T"/"F"/"N" ... */
  export interface OscArgument {
    readonly type: string;
    readonly value?: unknown;
  }
  export interface OscMessage {
    readonly address: string;
    readonly args: readonly OscArgument[];
  }
  /** NTP time tag: raw [seconds since 1900, fraction / 2^32], or native epoch milliseconds. */
  export interface OscTimeTag {
    readonly raw?: readonly [number, number];
    readonly native?: number;
  }
  export interface OscBundle {
    readonly timeTag: OscTimeTag;
    readonly packets: readonly OscPacket[];
  }
  export type OscPacket = OscMessage | OscBundle;
  interface OscModule {
    /** Encodes a packet; throws on a malformed one. */
    writePacket(packet: OscPacket, options: { readonly metadata: boolean }): Uint8Array;
    /** Decodes a packet; throws on malformed data. */
    readPacket(data: Uint8Array, options: { readonly metadata: boolean }): OscPacket;
  }
  const osc: OscModule;
  export default osc;
}
