/** A WebSocket test client that validates and keeps every message (protocol v1). */
import type { Socket } from "node:net";
import { WebSocket } from "ws";
import { parseServerMessage } from "../../bridge/protocol.js";
import type { ServerMessage } from "../../bridge/protocol.js";

export class TestClient {
  readonly messages: ServerMessage[] = [];
  readonly invalid: string[] = [];
  closed = false;
  private constructor(readonly ws: WebSocket) {
    ws.on("message", (data) => {
      const parsed = parseServerMessage(Buffer.isBuffer(data) ? data.toString("utf8") : "");
      if (parsed.ok) this.messages.push(parsed.value);
      else this.invalid.push(parsed.error);
    });
    ws.on("close", () => (this.closed = true));
    ws.on("error", () => (this.closed = true));
  }

  static connect(url: string): Promise<TestClient> {
    const ws = new WebSocket(url);
    return new Promise((resolve, reject) => {
      ws.once("open", () => resolve(new TestClient(ws)));
      ws.once("error", reject);
    });
  }

  of<T extends ServerMessage["type"]>(type: T): Extract<ServerMessage, { type: T }>[] {
    return this.messages.filter((m): m is Extract<ServerMessage, { type: T }> => m.type === type);
  }

  /** Stops reading from the TCP socket (a client that hangs). */
  stall(): void {
    (this.ws as unknown as { _socket: Socket })._socket.pause();
  }

  send(msg: unknown): void {
    this.ws.send(JSON.stringify(msg));
  }

  async until(pred: (c: TestClient) => boolean, ms = 5000): Promise<boolean> {
    const t0 = Date.now();
    while (!pred(this) && Date.now() - t0 < ms) await new Promise((r) => setTimeout(r, 10));
    return pred(this);
  }

  close(): void {
    this.ws.terminate();
  }
}
