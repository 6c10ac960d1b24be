// District administration (issue 21): Alice invites Dee with Manage Cases; Dee signs in at once and
// sees Cases; Alice deactivates her (a confirmation naming her) and Dee's next action is refused;
// Alice cannot remove her own administrator rights while she is the last; the audit lists each.
import { test, expect, signIn, signOut, accessible } from "./portal";
import { join, resolve } from "node:path";
import type { Page } from "@playwright/test";

/** With SCREENSHOTS=1 (scripts/screenshots.sh), the Admin screens into docs/screens/. */
async function shot(page: Page, name: string) {
  if (process.env.SCREENSHOTS) await page.screenshot({ path: join(resolve(import.meta.dirname, "..", "..", "docs", "screens"), `${name}.png`), fullPage: true });
}

test("invite, grant, sign in, deactivate, the last-admin guard and the audit", async ({ page, portal, browser }) => {
  test.setTimeout(90_000);
  await signIn(page, portal, "Alice Ng");
  await page.getByRole("link", { name: "Admin" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Users" })).toBeVisible();
  await page.getByRole("button", { name: "Invite user" }).click();
  const invite = page.getByRole("dialog", { name: "Invite user" });
  await invite.getByRole("textbox", { name: "Name" }).fill("Dee Newman");
  await invite.getByRole("textbox", { name: "Email" }).fill("dee@springfield.k12.example");
  // View Cases only, at first.
  await invite.getByRole("checkbox", { name: "Manage Cases" }).uncheck();
  await invite.getByRole("checkbox", { name: "View Cases" }).check();
  await accessible(page);
  await invite.getByRole("button", { name: "Invite" }).click();
  const row = page.getByRole("row", { name: /Dee Newman/ });
  await expect(row).toContainText("View cases");
  await expect(row).toContainText("Active");
  await accessible(page);

  // Dee, in a browser of her own, signs in at once: without Manage Cases she is told whom to ask.
  const other = await browser.newContext();
  const dee = await other.newPage();
  await signIn(dee, portal, "Dee Newman");
  await expect(dee.getByRole("heading", { level: 1, name: "You need the Manage Cases permission" })).toBeVisible();

  // Granted Manage Cases: after signing in again she sees Cases.
  await row.getByRole("button", { name: "Edit Dee Newman" }).click();
  const grant = page.getByRole("dialog", { name: "Edit Dee Newman" });
  await grant.getByRole("checkbox", { name: "Manage Cases" }).check();
  await grant.getByRole("button", { name: "Save user" }).click();
  await expect(row).toContainText("Manage cases, View cases");
  await signOut(dee);
  await signIn(dee, portal, "Dee Newman");
  await dee.getByRole("link", { name: "Cases" }).click();
  await expect(dee.getByRole("heading", { level: 1, name: "Cases" })).toBeVisible();
  await expect(dee.getByRole("row", { name: /2026-0001/ })).toBeVisible();

  // Revoked: her next action is refused.
  await row.getByRole("button", { name: "Edit Dee Newman" }).click();
  await grant.getByRole("checkbox", { name: "Manage Cases" }).uncheck();
  await grant.getByRole("button", { name: "Save user" }).click();
  await expect(row).not.toContainText("Manage cases");
  await dee.getByRole("link", { name: "Case Transfer Requests" }).click();
  await expect(dee.getByRole("alert").first()).toContainText("The Manage Cases permission is required");

  // Deactivated, with a confirmation that names her: her next action is refused (back to sign-in).
  await row.getByRole("button", { name: "Deactivate Dee Newman" }).click();
  const confirm = page.getByRole("dialog", { name: "Deactivate Dee Newman?" });
  await expect(confirm).toContainText("Dee Newman (dee@springfield.k12.example) will be signed out");
  await shot(page, "22-admin-users-deactivate");
  await confirm.getByRole("button", { name: "Deactivate Dee Newman" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Dee Newman is deactivated" })).toBeVisible();
  await expect(row).toContainText("Deactivated");
  await dee.getByRole("link", { name: "Case Transfer Requests" }).click();
  await expect(dee.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await other.close();

  // The last administrator cannot take away her own rights.
  await page.getByRole("row", { name: /Alice Ng/ }).getByRole("button", { name: "Edit Alice Ng" }).click();
  const edit = page.getByRole("dialog", { name: "Edit Alice Ng" });
  await edit.getByRole("checkbox", { name: "Manage Users" }).uncheck();
  await edit.getByRole("button", { name: "Save user" }).click();
  await expect(edit.getByRole("alert")).toContainText("Your district needs at least one active administrator");
  await edit.getByRole("button", { name: "Close" }).click();

  // The audit: newest first, each change with who made it.
  await page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Audit" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Audit" })).toBeVisible();
  const rows = page.getByRole("row");
  await expect(rows.nth(1)).toContainText("User changed: Dee Newman");
  await expect(rows.nth(1)).toContainText("active: true → false");
  await expect(rows.nth(2)).toContainText('permissions: ["manage_cases","view_cases"] → ["view_cases"]');
  await expect(rows.nth(3)).toContainText('permissions: ["view_cases"] → ["manage_cases","view_cases"]');
  await expect(rows.nth(4)).toContainText("User invited");
  await expect(rows.nth(4)).toContainText("Alice Ng");
  await accessible(page);
  await shot(page, "23-admin-audit");
  await signOut(page);

  // Without manage_users, no Admin link, and the routes answer 403.
  await signIn(page, portal, "Sam Lee");
  await expect(page.getByRole("link", { name: "Admin" })).toHaveCount(0);
  const token = await page.evaluate(() => sessionStorage.getItem("portal.token"));
  expect(token).toBeTruthy();
  for (const path of ["/v1/users", "/v1/audit"]) {
    const r = await page.request.get(`${portal.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    expect(r.status(), path).toBe(403);
  }
});
