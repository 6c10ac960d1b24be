// The API, only through the types generated from openapi.yaml (`npm run gen`). Every request carries
// the bearer token; a 401 signs the user out (an expired token leads back to sign-in).
import createClient, { type Middleware } from "openapi-fetch";
import type { components, paths } from "./api-schema";
import { session, signOut } from "./auth.svelte";
import { navigate } from "./router.svelte";

export type Schemas = components["schemas"];
export type Problem = Schemas["Problem"];
export type Transfer = Schemas["Transfer"];
export type CaseSummary = Schemas["CaseSummary"];
export type Entry = Schemas["Entry"];

const auth: Middleware = {
  onRequest({ request }) {
    if (session.token) request.headers.set("Authorization", `Bearer ${session.token}`);
    return request;
  },
  async onResponse({ response }) {
    if (response.status === 401) {
      await signOut(true);
      navigate("/sign-in");
    }
    return response;
  },
};

export const api = createClient<paths>({ baseUrl: window.location.origin });
api.use(auth);

/** What a person reads when a call fails. */
export function explain(error: unknown): string {
  const p = error as Partial<Problem> | undefined;
  if (p && typeof p.title === "string") {
    const detail = p.detail && p.detail !== p.title ? ` ${p.detail}` : "";
    return `${p.title}.${detail}`;
  }
  return "The portal could not be reached. Try again.";
}
