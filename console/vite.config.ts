// The console's build: served by the server under /app/, hashed assets in dist/assets.
import { defineConfig } from "vitest/config";
import react from "@vitejs/plugin-react";

export default defineConfig({
  base: "/app/",
  plugins: [react()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    assetsInlineLimit: 0, // no data: URLs: the server's CSP is default-src 'self'
    sourcemap: false,
    rolldownOptions: {
      output: {
        // The Lua editor's CodeMirror is ~115 kB gzip: loaded only by the workflow editor,
        // in per-library chunks that each stay inside the 60 kB chunk budget.
        codeSplitting: {
          groups: [
            { name: "cm-view", test: /node_modules[\\/](@codemirror[\\/]view|style-mod|w3c-keyname|crelt)[\\/]/ },
            { name: "cm-language", test: /node_modules[\\/](@codemirror[\\/](language|legacy-modes)|@lezer)[\\/]/ },
            { name: "cm-state", test: /node_modules[\\/]@codemirror[\\/]/ },
          ],
        },
      },
    },
  },
  test: {
    include: ["src/**/*.test.ts", "src/**/*.test.tsx"],
  },
});
