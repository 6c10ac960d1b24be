import { test, expect, signIn, signOut, accessible } from "./portal";

test("the sign-in lists the users; a manager lands on Case Transfer Requests", async ({ page, portal }) => {
  await page.goto(portal.url);
  await expect(page).toHaveURL(/\/sign-in$/);
  await expect(page.getByRole("button", { name: "Alice Ng" })).toBeVisible();
  await accessible(page);
  await signIn(page, portal, "Alice Ng");
  await expect(page.getByRole("heading", { level: 1, name: "Case Transfer Requests" })).toBeVisible();
  const nav = page.getByRole("navigation", { name: "Main" });
  await expect(nav.getByRole("link", { name: "Cases" })).toBeVisible();
  await expect(nav.getByRole("link", { name: "Case Transfer Requests" })).toBeVisible();
  await expect(page.getByRole("button", { name: /^Notifications, \d+ unread$/ })).toBeVisible();
  await expect(page.getByText("Springfield Unified")).toBeVisible();
  await accessible(page);
  await signOut(page);
});

test("a user without Manage Cases sees why, and nothing else", async ({ page, portal }) => {
  await signIn(page, portal, "Bob Okafor");
  await expect(page.getByRole("heading", { name: "You need the Manage Cases permission" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Cases" })).toHaveCount(0);
  await accessible(page);
  await page.goto(`${portal.url}/cases`);
  await expect(page.getByRole("heading", { name: "You need the Manage Cases permission" })).toBeVisible();
});

test("an expired token leads back to sign-in", async ({ page, portal }) => {
  await signIn(page, portal, "Alice Ng");
  await page.evaluate(() => sessionStorage.setItem("portal.token", "expired.or.forged"));
  await page.goto(`${portal.url}/cases`);
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await expect(page.getByRole("alert")).toContainText("Your session has ended");
});
