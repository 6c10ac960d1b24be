import { defineConfig } from "@playwright/test";

// Debian's Chromium (Playwright cannot download browsers here); every test starts its own
// `portal serve --demo` on free ports (tests/portal.ts), so tests share nothing.
export default defineConfig({
  testDir: "tests",
  testMatch: /.*\.spec\.ts/,
  workers: 1,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [["list"]],
  use: {
    launchOptions: {
      executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
    permissions: ["clipboard-read", "clipboard-write"],
    trace: "off",
  },
});
