/**
 * Sends a few frames through OscSink to 127.0.0.1:PORT and exits (run inside a private network
 * namespace next to liblo's oscdump). Usage: osc-child.ts PORT
 */
import { OscSink } from "../../bridge/osc-sink.js";
import { SESSION, STATUS, makeFrame } from "./pipeline-data.js";

const port = Number(process.argv[2]);
const sink = await OscSink.open({ targets: [{ host: "127.0.0.1", port }] });
sink.write({ type: "session", session: SESSION });
for (const f of [makeFrame(0), makeFrame(5), makeFrame(1, 2)]) sink.write({ type: "frame", frame: f });
sink.write({ type: "status", status: STATUS });
await new Promise((r) => setTimeout(r, 100));
await sink.close();
