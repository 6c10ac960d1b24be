// Who is signed in. Locally, a development sign-in mints a token for a user of the table; in AWS, the
// OIDC authorization code flow with PKCE (oidc-client-ts) against the issuer API Gateway trusts, whose
// ID token is the bearer token. The token lives in sessionStorage: gone with the tab.
import { UserManager, WebStorageStateStore } from "oidc-client-ts";

export type ClientConfig =
  | { auth: "local" }
  | { auth: "oidc"; authority: string; clientId: string; scope: string };

const KEY = "portal.token";

export const session = $state<{ token: string | null; config: ClientConfig | null; expired: boolean }>({
  token: sessionStorage.getItem(KEY),
  config: null,
  expired: false,
});

let manager: UserManager | null = null;

export async function loadConfig(): Promise<ClientConfig> {
  if (session.config) return session.config;
  const response = await fetch("/config.json", { cache: "no-store" });
  const config = (await response.json()) as ClientConfig;
  session.config = config;
  if (config.auth === "oidc") {
    manager = new UserManager({
      authority: config.authority,
      client_id: config.clientId,
      redirect_uri: `${window.location.origin}/callback`,
      post_logout_redirect_uri: `${window.location.origin}/sign-in`,
      response_type: "code",
      scope: config.scope,
      userStore: new WebStorageStateStore({ store: window.sessionStorage }),
    });
  }
  return config;
}

export function setToken(token: string): void {
  sessionStorage.setItem(KEY, token);
  session.token = token;
  session.expired = false;
}

/** Signs out locally; with OIDC the issuer's session stays (the next sign-in may be silent). */
export async function signOut(expired = false): Promise<void> {
  sessionStorage.removeItem(KEY);
  session.token = null;
  session.expired = expired;
  if (manager) await manager.removeUser();
}

export async function startOidcSignIn(back = "/transfers"): Promise<void> {
  if (!manager) throw new Error("OIDC is not configured");
  await manager.signinRedirect({ state: back });
}

/** Completes the OIDC redirect: exchanges the code (with its PKCE verifier) for tokens. */
export async function finishOidcSignIn(): Promise<string> {
  if (!manager) throw new Error("OIDC is not configured");
  const user = await manager.signinRedirectCallback();
  if (!user.id_token) throw new Error("the issuer returned no ID token");
  setToken(user.id_token);
  const back = typeof user.state === "string" && user.state.startsWith("/") ? user.state : "/transfers";
  return back === "/sign-in" || back === "/callback" ? "/transfers" : back;
}
