import { defineConfig } from "vite";
import { svelte } from "@sveltejs/vite-plugin-svelte";

// `npm run dev` proxies the API to a `portal serve` on 3000; the build is served by `portal serve` itself
// (and by CloudFront in AWS) on the API's own origin.
export default defineConfig({
  plugins: [svelte()],
  build: { outDir: "dist", emptyOutDir: true, sourcemap: false },
  server: {
    // changeOrigin: the development sign-in answers only a loopback Host naming its own port.
    proxy: {
      "/v1": { target: "http://127.0.0.1:3000", changeOrigin: true },
      "/local": { target: "http://127.0.0.1:3000", changeOrigin: true },
      "/config.json": { target: "http://127.0.0.1:3000", changeOrigin: true },
    },
  },
});
