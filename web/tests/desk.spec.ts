// The receiving desk (issue 18): each point a coordinator stumbled on, at 1280 and at 390 px wide.
import { test, expect, signIn, signOut, accessible, shownCode, sendFromRow } from "./portal";
import type { Page } from "@playwright/test";

const WIDTHS = [1280, 390] as const;

/** Nothing on the page is wider than the window: no sideways scrolling. */
async function fitsWidth(page: Page) {
  const [scroll, client] = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
  expect(scroll, "page scrolls sideways").toBeLessThanOrEqual(client);
}

/** A box (a menu, a dialog) lies inside the window. */
async function inside(page: Page, selector: string) {
  const box = await page.locator(selector).boundingBox();
  const width = page.viewportSize()?.width ?? 0;
  expect(box, selector).not.toBeNull();
  expect(box!.x, `${selector} left edge`).toBeGreaterThanOrEqual(0);
  expect(box!.x + box!.width, `${selector} right edge`).toBeLessThanOrEqual(width);
}

for (const width of WIDTHS) {
  test(`at ${width} px: every screen fits, menus and dialogs stay inside, axe is clean`, async ({ page, portal }) => {
    await page.setViewportSize({ width, height: 800 });
    await signIn(page, portal, "Alice Ng");
    await fitsWidth(page);
    await accessible(page);
    await page.goto(`${portal.url}/cases`);
    await expect(page.getByRole("link", { name: "2026-0002" })).toBeVisible();
    await fitsWidth(page);
    await accessible(page);
    await page.getByRole("checkbox", { name: "Select case 2026-0002" }).check();
    await page.getByRole("button", { name: "Bulk Actions" }).click();
    await expect(page.getByRole("menuitem", { name: "Transfer to District" })).toBeVisible();
    await inside(page, ".menu");
    await page.keyboard.press("Escape");
    await page.getByRole("button", { name: "Actions for case 2026-0004" }).click();
    await inside(page, ".menu");
    await page.keyboard.press("Escape");
    await page.getByRole("link", { name: "2026-0003" }).click();
    await expect(page.getByRole("region", { name: "History" }).getByRole("listitem").first()).toBeVisible();
    await fitsWidth(page);
    await accessible(page);
    const code = await sendFromRow(page, portal, "2026-0002");
    await signOut(page);

    await signIn(page, portal, "Carol Diaz");
    await fitsWidth(page);
    const row = page.getByRole("region", { name: "Incoming Transfer Requests" }).getByRole("row", { name: /Springfield Unified/ });
    await row.getByRole("button", { name: /^Accept the request from Springfield Unified of / }).click();
    const dialog = page.getByRole("dialog", { name: "Accept transfer request" });
    await dialog.getByRole("textbox", { name: "Authentication Code" }).fill(code);
    await dialog.getByRole("button", { name: "Accept Transfer" }).click();
    await expect(dialog.getByRole("group", { name: /^Case 2026-0002/ })).toBeVisible();
    await dialog.getByRole("radio", { name: "Link to existing student" }).check();
    await inside(page, "dialog[open]");
    await fitsWidth(page);
    await accessible(page);
    await page.keyboard.press("Escape");
    await page.getByRole("region", { name: "Incoming Transfer Requests" }).getByRole("link", { name: /^Details of/ }).click();
    await expect(page.getByRole("heading", { name: "Transfer request from Springfield Unified" })).toBeVisible();
    await fitsWidth(page);
    await accessible(page);
  });
}

test("the destination is told in the portal; Open request goes to it and marks it read", async ({ page, portal }) => {
  await signIn(page, portal, "Alice Ng");
  await sendFromRow(page, portal, "2026-0002");
  await signOut(page);
  await signIn(page, portal, "Carol Diaz");
  const bell = page.getByRole("button", { name: /^Notifications, [1-9]\d* unread$/ });
  await expect(bell).toBeVisible({ timeout: 10_000 });
  await bell.click();
  const notes = page.getByRole("dialog", { name: "Notifications" });
  await notes.getByRole("button", { name: "Open request: Springfield Unified sent you a case transfer request" }).click();
  await expect(page.getByRole("heading", { name: "Transfer request from Springfield Unified" })).toBeVisible();
  // The sender's name, email and phone: the code travels by phone.
  await expect(page.getByRole("link", { name: "alice@springfield.k12.example" })).toBeVisible();
  await expect(page.getByRole("link", { name: "+1 217 555 0142" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Notifications, 0 unread" })).toBeVisible();
});

test("a request opened while signed out is where sign-in lands", async ({ page, portal }) => {
  await signIn(page, portal, "Alice Ng");
  await sendFromRow(page, portal, "2026-0004");
  await page.goto(`${portal.url}/transfers`);
  await page.getByRole("region", { name: "Outgoing Transfer Requests" }).getByRole("link", { name: /^Details of/ }).click();
  await expect(page.getByRole("heading", { name: "Transfer request to Shelbyville Public Schools" })).toBeVisible();
  const link = page.url();
  await signOut(page);
  await page.goto(link);
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await page.getByRole("button", { name: "Alice Ng", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Transfer request to Shelbyville Public Schools" })).toBeVisible();
  expect(page.url()).toBe(link);
});

test("rows tell requests apart, filter by district; the code view names what it is for; focus lands", async ({ page, portal }) => {
  await signIn(page, portal, "Alice Ng");
  await page.goto(`${portal.url}/cases`);
  await page.getByRole("checkbox", { name: "Select case 2026-0002" }).check();
  await page.getByRole("checkbox", { name: "Select case 2026-0004" }).check();
  const bulk = page.getByRole("button", { name: "Bulk Actions" });
  await bulk.click();
  await page.getByRole("menuitem", { name: "Transfer to District" }).click();
  const dialog = page.getByRole("dialog", { name: "Transfer to District" });
  await dialog.getByRole("combobox", { name: "District Name" }).selectOption({ label: "Shelbyville Public Schools" });
  await dialog.getByRole("textbox", { name: "Notes" }).fill("Family moved over the break; the mother asked us to call before Monday.");
  await dialog.getByRole("button", { name: "Transfer" }).click();
  const said = dialog.getByText("The transfer request to Shelbyville Public Schools was sent with cases 2026-0002, 2026-0004.");
  await expect(said).toBeFocused();
  await shownCode(page);
  await dialog.getByRole("button", { name: "Done" }).click();
  await expect(dialog).toBeHidden();
  // Bulk Actions is disabled now (nothing is checked): focus goes to the page's heading, not the body.
  await expect(page.getByRole("heading", { level: 1, name: "Cases" })).toBeFocused();

  await sendFromRow(page, portal, "2026-0006");
  await page.goto(`${portal.url}/transfers`);
  const outgoing = page.getByRole("region", { name: "Outgoing Transfer Requests" });
  const rows = outgoing.locator("tbody tr");
  await expect(rows).toHaveCount(2);
  await expect(rows.filter({ hasText: "2026-0002" })).toContainText("2026-0002 Finley Mensah; 2026-0004 Logan Nakamura");
  await expect(rows.filter({ hasText: "2026-0002" })).toContainText("“Family moved over the break;");
  const cancels = outgoing.getByRole("button", { name: /^Cancel the request to Shelbyville Public Schools of / });
  await expect(cancels).toHaveCount(2);
  const names = await cancels.evaluateAll((buttons) => buttons.map((b) => b.getAttribute("aria-label")));
  expect(new Set(names).size, "two requests of one minute have two names").toBe(2);
  const to = outgoing.getByRole("combobox", { name: "To district" });
  // Every other district, transfers ON or OFF (a request to one may be older than its switch).
  await expect(to.getByRole("option")).toHaveText(["All districts", "Capital City School District", "Shelbyville Public Schools"]);
  await to.selectOption({ label: "Shelbyville Public Schools" });
  await expect(rows).toHaveCount(2);

  // A cancelled request says what happened, not what would happen after a code.
  await outgoing.getByRole("button", { name: /^Cancel the request/ }).first().click();
  const cancel = page.getByRole("dialog", { name: "Cancel transfer request" });
  await cancel.getByRole("textbox", { name: "Reason" }).fill("Sent by mistake");
  await cancel.getByRole("button", { name: "Cancel Transfer" }).click();
  await expect(cancel).toBeHidden();
  await signOut(page);
  await signIn(page, portal, "Carol Diaz");
  const incoming = page.getByRole("region", { name: "Incoming Transfer Requests" });
  await incoming.getByRole("combobox", { name: "Status" }).selectOption({ label: "Cancelled" });
  await expect(incoming.locator("tbody tr")).toHaveCount(1);
  await incoming.getByRole("link", { name: /^Details of the request from Springfield Unified/ }).click();
  await expect(page.getByText(/was cancelled before anyone of your district entered the Authentication Code/)).toBeVisible();
  await expect(page.getByText("once someone of your district has entered")).toHaveCount(0);
});

test("errors read as sentences in an alert; the history reads newest first and prints whole", async ({ page, portal }) => {
  await signIn(page, portal, "Alice Ng");
  await page.getByRole("switch", { name: "Activate Case Transfers Between Districts" }).uncheck();
  await page.goto(`${portal.url}/cases`);
  await page.getByRole("button", { name: "Actions for case 2026-0002" }).click();
  await page.getByRole("menuitem", { name: "Transfer to District" }).click();
  const dialog = page.getByRole("dialog", { name: "Transfer to District" });
  await dialog.getByRole("combobox", { name: "District Name" }).selectOption({ label: "Shelbyville Public Schools" });
  await dialog.getByRole("button", { name: "Transfer" }).click();
  await expect(dialog.getByRole("alert")).toHaveText(/^[A-Z][^]*\.$/);
  await expect(dialog.getByRole("alert")).toContainText("Case transfers are switched off for your district.");
  await page.keyboard.press("Escape");

  await page.getByRole("link", { name: "2026-0003" }).click();
  const history = page.getByRole("region", { name: "History" });
  const times = async () => (await history.locator(".meta").allTextContents()).map((t) => Date.parse(t.split(" · ")[1] ?? ""));
  await expect(history.getByRole("listitem").first()).toBeVisible();
  const newest = await times();
  expect(newest.length).toBeGreaterThan(1);
  expect([...newest].sort((a, b) => b - a)).toEqual(newest);
  await history.getByRole("combobox", { name: "Order" }).selectOption({ label: "Oldest first" });
  await expect(async () => {
    const oldest = await times();
    expect(oldest.length).toBeGreaterThan(1);
    expect([...oldest].sort((a, b) => a - b)).toEqual(oldest);
  }).toPass();
  // Print loads every entry first; the printout has no navigation and names the district and case.
  await page.evaluate(() => (window.print = () => document.body.setAttribute("data-printed", "yes")));
  await history.getByRole("button", { name: "Print history" }).click();
  await expect(page.locator("body[data-printed=yes]")).toHaveCount(1);
  await expect(history.getByRole("button", { name: "Load more entries" })).toHaveCount(0);
  await page.emulateMedia({ media: "print" });
  await expect(page.getByRole("navigation", { name: "Main" })).toBeHidden();
  await expect(page.getByText(/^Springfield Unified · case 2026-0003 · printed /)).toBeVisible();
});
