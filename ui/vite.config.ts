/**
 * Vite config of the meter UI. Build: `npx vite build --config ui/vite.config.ts` -> ui/dist, which
 * the bridge serves on the same origin as its WebSocket. Development: `npx vite --config
 * ui/vite.config.ts` serves the sources with hot reload and proxies /ws to a running bridge
 * (BRIDGE_URL, default http://127.0.0.1:8080), so the page talks to the bridge exactly as in production.
 */
import { fileURLToPath } from "node:url";
import { svelte } from "@sveltejs/vite-plugin-svelte";
import { defineConfig } from "vite";

const root = fileURLToPath(new URL(".", import.meta.url));
const bridge = process.env["BRIDGE_URL"] ?? "http://127.0.0.1:8080";

export default defineConfig({
  root,
  // Relative asset URLs: the page works wherever the bridge mounts it.
  base: "./",
  plugins: [svelte()],
  build: { outDir: "dist", emptyOutDir: true, target: "es2022", sourcemap: true },
  server: { host: "127.0.0.1", port: 5173, proxy: { "/ws": { target: bridge, ws: true } } },
  // No svelte.config.js: the defaults (runes inferred per component) are what we use.
  logLevel: "warn",
});
