// A throw-away `portal serve --demo` per test: its own temporary folder (so its own Dynoxide database),
// free ports, the built client. Plus the helpers every spec uses: sign in, axe, imports.
import { test as base, expect, type Page } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "..", "..");
const BIN = process.env.PORTAL_BIN ?? join(process.env.CARGO_TARGET_DIR ?? join(ROOT, "target"), "debug", "portal");
const DIST = resolve(import.meta.dirname, "..", "dist");

export type Portal = { url: string; dynamodb: string; dir: string; env: NodeJS.ProcessEnv; extra: Record<string, string> };

export async function start(
  extraEnv: Record<string, string> = {},
  port = 0,
): Promise<{ portal: Portal; child: ChildProcess }> {
  const dir = mkdtempSync(join(tmpdir(), "portal-web-"));
  const env = {
    ...process.env,
    LOCAL_DYNAMODB_PORT: "0",
    JOBS_INTERVAL_SECONDS: "1",
    PORTAL_WEB_DIR: DIST,
    RUST_LOG: "warn",
    AWS_ENDPOINT_URL_SESV2: "",
    ...extraEnv,
  };
  delete env.AWS_ENDPOINT_URL_SESV2;
  const child = spawn(BIN, ["serve", "--demo", "--port", String(port)], { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  const ready = new Promise<{ url: string; dynamodb: string }>((ok, fail) => {
    let dynamodb = "";
    const timer = setTimeout(() => fail(new Error(`portal serve did not start:\n${log}`)), 30_000);
    child.stderr?.on("data", (chunk: Buffer) => {
      log += chunk.toString();
      const db = log.match(/embedded DynamoDB \(Dynoxide\) on (http:\/\/127\.0\.0\.1:\d+)/);
      if (db?.[1]) dynamodb = db[1];
      const api = log.match(/District Transfer Portal API on (http:\/\/127\.0\.0\.1:\d+)/);
      if (api?.[1]) {
        clearTimeout(timer);
        ok({ url: api[1], dynamodb });
      }
    });
    child.stdout?.resume();
    child.on("exit", (code) => fail(new Error(`portal serve exited (${code}):\n${log}`)));
  });
  const { url, dynamodb } = await ready;
  return { portal: { url, dynamodb, dir, env, extra: extraEnv }, child };
}

export async function stop(portal: Portal, child: ChildProcess): Promise<void> {
  child.kill("SIGINT");
  await new Promise((ok) => child.once("exit", ok));
  rmSync(portal.dir, { recursive: true, force: true });
}

export const test = base.extend<{ portal: Portal }>({
  portal: async ({}, use) => {
    const { portal, child } = await start();
    await use(portal);
    await stop(portal, child);
  },
});

export { expect };

/** Signs in through the development sign-in as the user with this name. */
export async function signIn(page: Page, portal: Portal, name: string): Promise<void> {
  await page.goto(`${portal.url}/sign-in`);
  await page.getByRole("button", { name, exact: true }).click();
  await expect(page.getByText(`Signed in as ${name}`)).toBeVisible();
}

export async function signOut(page: Page): Promise<void> {
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
}

/** WCAG 2.1 A and AA, by axe, on what the page shows now. */
export async function accessible(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  const found = results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join("; ")})`);
  expect(found, "axe violations").toEqual([]);
}

/** Imports a file (fixtures.md format) into this test's portal with `portal import`. */
export function importFile(portal: Portal, data: unknown): void {
  const file = join(portal.dir, `import-${Date.now()}.json`);
  writeFileSync(file, JSON.stringify(data));
  const out = spawnSync(BIN, ["import", file], {
    cwd: portal.dir,
    env: { ...portal.env, AWS_ENDPOINT_URL_DYNAMODB: portal.dynamodb },
    encoding: "utf8",
  });
  if (out.status !== 0) throw new Error(`portal import failed: ${out.stderr}`);
}

/** The code shown once after a send, as the sender would read it out. */
/** The code on screen; noted (the box ticked), so that the dialog then closes without asking. */
export async function shownCode(page: Page, note = true): Promise<string> {
  const label = await page.locator(".code-value").getAttribute("aria-label");
  const noted = page.getByRole("checkbox", { name: "I have noted the code or copied it" });
  if (note && (await noted.count()) > 0) await noted.check();
  return (label ?? "").replace("Authentication Code ", "").replace(/ /g, "");
}

/** From the Cases page: a row's menu, Transfer to District, to Shelbyville; returns the code shown.
 * `click` is how the Transfer button is pressed (a double click sends once too). */
export async function sendFromRow(page: Page, portal: Portal, caseNumber: string, click: "click" | "dblclick" = "click") {
  await page.goto(`${portal.url}/cases`);
  await page.getByRole("button", { name: `Actions for case ${caseNumber}` }).click();
  await page.getByRole("menuitem", { name: "Transfer to District" }).click();
  const dialog = page.getByRole("dialog", { name: "Transfer to District" });
  await dialog.getByRole("combobox", { name: "District Name" }).selectOption({ label: "Shelbyville Public Schools" });
  await dialog.getByRole("button", { name: "Transfer" })[click]();
  await expect(dialog.getByRole("heading", { name: "Authentication Code" })).toBeVisible();
  const code = await shownCode(page);
  await page.keyboard.press("Escape");
  return code;
}

/** Carol's side: the request from Springfield accepted with `code`, each case with its transfer info. */
export async function acceptWithTransferInfo(page: Page, code: string, caseNumbers: string[]): Promise<void> {
  await page.getByRole("region", { name: "Incoming Transfer Requests" }).getByRole("button", { name: /^Accept the request from Springfield Unified/ }).click();
  const accept = page.getByRole("dialog", { name: "Accept transfer request" });
  await accept.getByRole("textbox", { name: "Authentication Code" }).fill(code);
  await accept.getByRole("button", { name: "Accept Transfer" }).click();
  for (const c of caseNumbers) {
    await accept.getByRole("group", { name: new RegExp(`^Case ${c}`) }).getByRole("radio", { name: "Use transfer info" }).check();
  }
  await accept.getByRole("button", { name: "Save" }).click();
  await expect(accept.getByRole("listitem")).toHaveCount(caseNumbers.length);
  await page.keyboard.press("Escape");
}
