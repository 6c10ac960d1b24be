// The API, only through the types generated from openapi.yaml (`npm run gen`). Every request carries
// the bearer token; a 401 signs the user out (an expired token leads back to sign-in).
import createClient, { type Middleware } from "openapi-fetch";
import type { components, paths } from "./api-schema";
import { session, signOut } from "./auth.svelte";
import { navigate, signInPath } from "./router.svelte";

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
      navigate(signInPath());
    }
    return response;
  },
};

export const api = createClient<paths>({ baseUrl: window.location.origin });
api.use(auth);

/** A phrase of the API as a sentence: a capital first, a full stop last. */
export function sentence(text: string): string {
  const t = text.trim();
  if (!t) return "";
  const first = t.charAt(0).toUpperCase() + t.slice(1);
  return /[.!?]$/.test(first) ? first : `${first}.`;
}

/** What a person reads when a call fails: the problem's title and detail, as sentences. */
export function explain(error: unknown): string {
  const p = error as Partial<Problem> | undefined;
  if (p && typeof p.title === "string") {
    const detail = p.detail && p.detail !== p.title ? ` ${sentence(p.detail)}` : "";
    return `${sentence(p.title)}${detail}`;
  }
  return "The portal could not be reached. Try again.";
}

type Paged<T> = { data?: { items: T[]; nextCursor?: string | null }; error?: unknown };

/** Every item of a paged list, page after page (or until `enough` says so); the first failure's words. */
export async function everyPage<T>(
  get: (cursor: string | undefined) => Promise<Paged<T>>,
  enough: (items: T[]) => boolean = () => false,
): Promise<{ items: T[]; error: string }> {
  const items: T[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page: Paged<T> = await get(cursor);
    if (!page.data) return { items, error: explain(page.error) };
    items.push(...page.data.items);
    if (!page.data.nextCursor || enough(items)) return { items, error: "" };
    cursor = page.data.nextCursor;
  }
}
