// Client-side routes: the path is the state. Links are plain <a href> (so they open in a new tab too);
// `navigate` and the click handler below keep same-origin navigation inside the page.

export type Route =
  | { screen: "transfers" }
  | { screen: "transfer"; id: string }
  | { screen: "cases" }
  | { screen: "case"; id: string }
  | { screen: "records" }
  | { screen: "record"; id: string }
  | { screen: "settings" }
  | { screen: "disclosures" }
  | { screen: "admin-users" }
  | { screen: "admin-audit" }
  | { screen: "parent-copy"; caseId: string; transferId: string }
  | { screen: "sign-in" }
  | { screen: "callback" }
  | { screen: "not-found" };

export function parse(path: string): Route {
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  if (parts.length === 0) return { screen: "transfers" };
  const [first, second] = parts;
  if (first === "transfers" && parts.length === 1) return { screen: "transfers" };
  if (first === "transfers" && parts.length === 2 && second) return { screen: "transfer", id: second };
  if (first === "cases" && parts.length === 1) return { screen: "cases" };
  if (first === "cases" && parts.length === 2 && second) return { screen: "case", id: second };
  if (first === "cases" && parts.length === 4 && second && parts[2] === "copy" && parts[3])
    return { screen: "parent-copy", caseId: second, transferId: parts[3] };
  if (first === "records" && parts.length === 1) return { screen: "disclosures" };
  if (first === "admin" && (parts.length === 1 || second === "users")) return { screen: "admin-users" };
  if (first === "admin" && second === "audit") return { screen: "admin-audit" };
  if (first === "record-requests" && parts.length === 1) return { screen: "records" };
  if (first === "record-requests" && parts.length === 2 && second) return { screen: "record", id: second };
  if (first === "settings" && parts.length === 1) return { screen: "settings" };
  if (first === "sign-in") return { screen: "sign-in" };
  if (first === "callback") return { screen: "callback" };
  return { screen: "not-found" };
}

export const location = $state({ path: window.location.pathname, search: window.location.search });

export function navigate(to: string, replace = false): void {
  const url = new URL(to, window.location.origin);
  if (url.origin !== window.location.origin) {
    window.location.assign(url.href);
    return;
  }
  if (replace) history.replaceState(null, "", url.pathname + url.search);
  else history.pushState(null, "", url.pathname + url.search);
  location.path = url.pathname;
  location.search = url.search;
  window.scrollTo(0, 0);
}

window.addEventListener("popstate", () => {
  location.path = window.location.pathname;
  location.search = window.location.search;
});

// Same-origin links stay in the page unless the user asks for a new tab.
document.addEventListener("click", (e) => {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  const a = (e.target as Element | null)?.closest?.("a");
  if (!a || a.target || a.hasAttribute("download")) return;
  const url = new URL(a.href, window.location.origin);
  if (url.origin !== window.location.origin) return;
  e.preventDefault();
  navigate(url.pathname + url.search);
});

/** The sign-in page, remembering the page asked for (a link opened while signed out lands there after). */
export function signInPath(): string {
  const here = window.location.pathname + window.location.search;
  const asked = parse(window.location.pathname).screen;
  return asked === "sign-in" || asked === "callback" || here === "/" ? "/sign-in" : `/sign-in?next=${encodeURIComponent(here)}`;
}

/** Where to go after signing in: the remembered page when it is one of ours, else the request list. */
export function afterSignIn(): string {
  const next = new URLSearchParams(window.location.search).get("next") ?? "";
  const ok = next.startsWith("/") && !next.startsWith("//") && !next.startsWith("/\\");
  const screen = ok ? parse(new URL(next, window.location.origin).pathname).screen : "not-found";
  return ok && screen !== "sign-in" && screen !== "callback" && screen !== "not-found" ? next : "/transfers";
}
