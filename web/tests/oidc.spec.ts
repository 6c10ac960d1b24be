// The sign-in of the deployed client: OIDC authorization code with PKCE (oidc-client-ts) against a
// local OpenID provider (the npm oidc-provider package) standing in for Cognito. `portal serve` then
// takes only that issuer's tokens, as API Gateway's JWT authorizer does.
import { test as base, expect } from "@playwright/test";
import Provider from "oidc-provider";
import { createServer, type Server } from "node:http";
import { start, stop, accessible } from "./portal";

const DISTRICTS: Record<string, string> = { "u-alice": "d-springfield", "u-carol": "d-shelbyville" };
const NAMES: Record<string, string> = { "u-alice": "Alice Ng", "u-carol": "Carol Diaz" };

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((ok) => s.listen(0, "127.0.0.1", ok));
  const port = (s.address() as { port: number }).port;
  await new Promise((ok) => s.close(ok));
  return port;
}

async function provider(port: number, portalUrl: string): Promise<Server> {
  const issuer = `http://127.0.0.1:${port}`;
  const oidc = new Provider(issuer, {
    clients: [
      {
        client_id: "portal-web",
        token_endpoint_auth_method: "none",
        redirect_uris: [`${portalUrl}/callback`],
        post_logout_redirect_uris: [`${portalUrl}/sign-in`],
        grant_types: ["authorization_code"],
        response_types: ["code"],
      },
    ],
    pkce: { required: () => true },
    claims: { openid: ["sub"], profile: ["name", "district_id"], email: ["email"] },
    conformIdTokenClaims: false,
    clientBasedCORS: () => true,
    cookies: { keys: ["local-test-only"] },
    findAccount: async (_ctx, id) => ({
      accountId: id,
      claims: async () => ({ sub: id, name: NAMES[id] ?? id, district_id: DISTRICTS[id] ?? "none" }),
    }),
  });
  oidc.proxy = false;
  const server = createServer(oidc.callback());
  await new Promise<void>((ok) => server.listen(port, "127.0.0.1", ok));
  return server;
}

base("signing in with the district's identity provider (PKCE) reaches the portal as that user", async ({ page }) => {
  const [idpPort, portalPort] = [await freePort(), await freePort()];
  const portalUrl = `http://127.0.0.1:${portalPort}`;
  const idp = await provider(idpPort, portalUrl);
  const { portal, child } = await start(
    { OIDC_ISSUER: `http://127.0.0.1:${idpPort}`, OIDC_CLIENT_ID: "portal-web" },
    portalPort,
  );
  try {
    await page.goto(`${portal.url}/cases`);
    await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
    // No local user list once an issuer is configured.
    await expect(page.getByRole("button", { name: "Alice Ng" })).toHaveCount(0);
    await accessible(page);
    const authorizing = page.waitForRequest((r) => r.url().startsWith(`http://127.0.0.1:${idpPort}/auth?`));
    await page.getByRole("button", { name: "Sign in with your district account" }).click();
    const authorize = new URL((await authorizing).url());
    await expect(page).toHaveURL(new RegExp(`^http://127.0.0.1:${idpPort}/`));
    // The provider's development login: any account name, then consent.
    await page.locator('input[name="login"]').fill("u-alice");
    await page.locator('input[name="password"]').fill("any");
    await page.locator('button[type="submit"]').click();
    await page.locator('button[type="submit"]').click();
    await expect(page.getByText("Signed in as Alice Ng")).toBeVisible();
    await expect(page.getByText("Springfield Unified")).toBeVisible();
    // The authorization code flow with a PKCE challenge (S256), no implicit tokens.
    expect(authorize.searchParams.get("response_type")).toBe("code");
    expect(authorize.searchParams.get("code_challenge_method")).toBe("S256");
    expect(authorize.searchParams.get("code_challenge")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // The API took the issuer's ID token: a read as Alice works.
    await page.getByRole("link", { name: "Cases" }).click();
    await expect(page.getByRole("row", { name: /2026-0002/ })).toBeVisible();
    // A local token is refused by this portal.
    await page.evaluate(() => sessionStorage.setItem("portal.token", "local.forged.token"));
    await page.reload();
    await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  } finally {
    await stop(portal, child);
    await new Promise((ok) => idp.close(ok));
  }
});
