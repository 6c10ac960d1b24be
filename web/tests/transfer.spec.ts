import { test, expect, signIn, signOut, accessible, shownCode, sendFromRow } from "./portal";

test("a single transfer shows the code once, and the destination sees no contents and no code", async ({ page, portal }) => {
  await signIn(page, portal, "Alice Ng");
  await page.goto(`${portal.url}/cases`);
  await page.getByRole("button", { name: "Actions for case 2026-0002" }).click();
  await page.getByRole("menuitem", { name: "Transfer to District" }).click();
  const dialog = page.getByRole("dialog", { name: "Transfer to District" });
  await expect(dialog).toBeVisible();
  const districts = dialog.getByRole("combobox", { name: "District Name" });
  // Only districts with the toggle ON, never one's own.
  await expect(districts.getByRole("option")).toHaveText(["Choose a district", "Shelbyville Public Schools"]);
  await accessible(page);
  await districts.selectOption({ label: "Shelbyville Public Schools" });
  await dialog.getByRole("textbox", { name: "Notes" }).fill("<b>Family moved</b>; call Dana.");
  await dialog.getByRole("button", { name: "Transfer" }).click();
  await expect(dialog.getByRole("heading", { name: "Authentication Code" })).toBeVisible();
  // The code view says what it is for, and focus is on it, not on the page body.
  const sentNote = dialog.getByText("The transfer request to Shelbyville Public Schools was sent with case 2026-0002.");
  await expect(sentNote).toBeVisible();
  await expect(sentNote).toBeFocused();
  const code = await shownCode(page, false);
  expect(code).toMatch(/^[A-Z0-9]{10}$/);
  // Escape and Done ask first: the code will not be shown again.
  for (const close of [() => page.keyboard.press("Escape"), () => dialog.getByRole("button", { name: "Done" }).click()]) {
    const asked = page.waitForEvent("dialog").then(async (d) => {
      const message = d.message();
      await d.dismiss();
      return message;
    });
    await close();
    expect(await asked).toBe("The code will not be shown again. Close anyway?");
    await expect(dialog).toBeVisible();
  }
  await shownCode(page);
  await accessible(page);
  await dialog.getByRole("button", { name: "Copy code" }).click();
  expect((await page.evaluate(() => navigator.clipboard.readText())).replace(/-/g, "")).toBe(code);
  await expect(dialog.getByText("by phone")).toBeVisible();
  // Gone after a reload: nothing keeps it.
  await page.reload();
  await expect(page.getByText(code)).toHaveCount(0);
  await page.goto(`${portal.url}/transfers`);
  const outgoing = page.getByRole("region", { name: "Outgoing Transfer Requests" });
  await expect(outgoing.getByRole("row", { name: /Shelbyville Public Schools/ })).toHaveCount(1);
  await signOut(page);

  await signIn(page, portal, "Carol Diaz");
  const incoming = page.getByRole("region", { name: "Incoming Transfer Requests" });
  const row = incoming.getByRole("row", { name: /Springfield Unified/ });
  await expect(row).toContainText("Pending");
  await expect(row.getByRole("button", { name: "Accept" })).toBeVisible();
  await expect(row.getByRole("button", { name: "Reject" })).toBeVisible();
  await row.getByRole("link", { name: "Details" }).click();
  await expect(page.getByRole("heading", { name: "Transfer request from Springfield Unified" })).toBeVisible();
  await expect(page.getByText("The cases' contents are shown once")).toBeVisible();
  // Notes are text, never markup; no contents, no code anywhere on the destination's pages.
  await expect(page.getByText("<b>Family moved</b>; call Dana.")).toBeVisible();
  for (const secret of ["Finley", "Mensah", code, code.slice(0, 5)]) {
    expect(await page.content()).not.toContain(secret);
  }
  await accessible(page);
});

test("a double click sends once", async ({ page, portal }) => {
  await signIn(page, portal, "Alice Ng");
  await sendFromRow(page, portal, "2026-0004", "dblclick");
  await page.goto(`${portal.url}/transfers`);
  const outgoing = page.getByRole("region", { name: "Outgoing Transfer Requests" });
  await expect(outgoing.locator("tbody tr")).toHaveCount(1);
});

test("with transfers OFF nothing can be sent; a district with them OFF is no destination", async ({ page, portal }) => {
  await signIn(page, portal, "Alice Ng");
  const toggle = page.getByRole("switch", { name: "Activate Case Transfers Between Districts" });
  await expect(toggle).toBeChecked();
  await toggle.uncheck();
  await expect(page.getByText(/Off, changed by u-alice/)).toBeVisible();
  await page.reload();
  await expect(page.getByRole("switch", { name: "Activate Case Transfers Between Districts" })).not.toBeChecked();
  await page.goto(`${portal.url}/cases`);
  await page.getByRole("button", { name: "Actions for case 2026-0002" }).click();
  await page.getByRole("menuitem", { name: "Transfer to District" }).click();
  const dialog = page.getByRole("dialog", { name: "Transfer to District" });
  await dialog.getByRole("combobox", { name: "District Name" }).selectOption({ label: "Shelbyville Public Schools" });
  await dialog.getByRole("button", { name: "Transfer" }).click();
  await expect(dialog.getByRole("alert")).toContainText(/transfers/i);
  await page.keyboard.press("Escape");
  await signOut(page);
  // Shelbyville switches OFF: Springfield (ON again) has no destination left.
  await signIn(page, portal, "Carol Diaz");
  await page.getByRole("switch", { name: "Activate Case Transfers Between Districts" }).uncheck();
  await expect(page.getByText(/Off, changed by u-carol/)).toBeVisible();
  await signOut(page);
  await signIn(page, portal, "Alice Ng");
  await page.getByRole("switch", { name: "Activate Case Transfers Between Districts" }).check();
  await page.goto(`${portal.url}/cases`);
  await page.getByRole("button", { name: "Actions for case 2026-0002" }).click();
  await page.getByRole("menuitem", { name: "Transfer to District" }).click();
  await expect(page.getByRole("dialog").getByRole("alert")).toContainText("No other district has case transfers switched on");
});

test("keyboard only: bulk transfer, focus kept in the dialog, Escape closes it and focus returns", async ({ page, portal }) => {
  await signIn(page, portal, "Alice Ng");
  await page.goto(`${portal.url}/cases`);
  await page.getByRole("checkbox", { name: "Select case 2026-0002" }).focus();
  await page.keyboard.press("Space");
  await page.getByRole("checkbox", { name: "Select case 2026-0004" }).focus();
  await page.keyboard.press("Space");
  const bulk = page.getByRole("button", { name: "Bulk Actions" });
  await bulk.focus();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("menuitem", { name: "Transfer to District" })).toBeFocused();
  await page.keyboard.press("Enter");
  const dialog = page.getByRole("dialog", { name: "Transfer to District" });
  await expect(dialog).toBeVisible();
  // Tabbing stays inside the dialog.
  for (let i = 0; i < 8; i++) {
    await page.keyboard.press("Tab");
    expect(await dialog.evaluate((d) => d.contains(document.activeElement))).toBe(true);
  }
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(bulk).toBeFocused();
  // Again, to the end, with the keyboard.
  await page.keyboard.press("Enter");
  await expect(page.getByRole("menuitem", { name: "Transfer to District" })).toBeFocused();
  await page.keyboard.press("Enter");
  await dialog.getByRole("combobox", { name: "District Name" }).focus();
  await page.keyboard.press("ArrowDown");
  await dialog.getByRole("button", { name: "Transfer" }).focus();
  await page.keyboard.press("Enter");
  await expect(dialog.getByRole("heading", { name: "Authentication Code" })).toBeVisible();
  await expect(dialog.getByText("2 cases")).toHaveCount(0);
});
