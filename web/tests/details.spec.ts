import { test, expect, signIn, signOut, accessible, importFile, sendFromRow } from "./portal";

test("a case's history pages; the details show a sent case's frozen history and the events", async ({ page, portal }) => {
  const entries = Array.from({ length: 120 }, (_, i) => ({
    id: `e-long-${i}`, at: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(), type: "note", author: "Pat Doe",
    text: `Entry number ${i + 1} <script>alert(1)</script>`,
  }));
  importFile(portal, {
    districts: [{ id: "d-springfield", name: "Springfield Unified", transfersEnabled: true }],
    cases: [{ id: "c-long", districtId: "d-springfield", caseNumber: "2026-0900",
      personOfConcern: { firstName: "Long", lastName: "History" }, building: "Annex", teamName: "Annex BTAM",
      teamLeader: "Pat Doe", caseManager: "Pat Doe", status: "open", openedAt: "2026-01-01T00:00:00Z", entries }],
  });
  await signIn(page, portal, "Alice Ng");
  await page.goto(`${portal.url}/cases/c-long`);
  const history = page.getByRole("region", { name: "History" });
  await expect(history.getByText("50 of 120 shown")).toBeVisible();
  await history.getByRole("button", { name: "Load more entries" }).click();
  await expect(history.getByText("100 of 120 shown")).toBeVisible();
  await history.getByRole("button", { name: "Load more entries" }).click();
  await expect(history.getByText("120 of 120 shown")).toBeVisible();
  await expect(history.getByRole("button", { name: "Load more entries" })).toHaveCount(0);
  // Text, never markup.
  await expect(history.getByText("Entry number 120 <script>alert(1)</script>")).toBeVisible();
  await accessible(page);

  const code = await sendFromRow(page, portal, "2026-0900");
  await page.goto(`${portal.url}/transfers`);
  await page.getByRole("region", { name: "Outgoing Transfer Requests" }).getByRole("link", { name: "Details" }).click();
  const card = page.getByRole("article", { name: "Case 2026-0900" });
  await card.getByRole("button", { name: "Show history of case 2026-0900 (120 entries)" }).click();
  await expect(card.getByText("50 of 120 shown")).toBeVisible();
  await expect(page.getByRole("listitem").filter({ hasText: "Created by Alice Ng" })).toBeVisible();
  await accessible(page);
  await signOut(page);

  // The destination sees the contents only after the code.
  await signIn(page, portal, "Carol Diaz");
  await page.getByRole("region", { name: "Incoming Transfer Requests" }).getByRole("link", { name: "Details" }).click();
  await expect(page.getByRole("article")).toHaveCount(0);
  await page.getByRole("button", { name: "Accept" }).click();
  const accept = page.getByRole("dialog", { name: "Accept transfer request" });
  await accept.getByRole("textbox", { name: "Authentication Code" }).fill(code);
  await accept.getByRole("button", { name: "Accept Transfer" }).click();
  await expect(accept.getByRole("group", { name: /Case 2026-0900/ })).toBeVisible();
  await page.keyboard.press("Escape");
  await page.reload();
  await expect(page.getByRole("article", { name: "Case 2026-0900" })).toBeVisible();
});

test("notifications show the unread count and can be read", async ({ page, portal }) => {
  await signIn(page, portal, "Alice Ng");
  await sendFromRow(page, portal, "2026-0002");
  // The sending district is told in the portal, just after the send (the table's stream tells people).
  await page.getByRole("link", { name: "Case Transfer Requests" }).click();
  const button = page.getByRole("button", { name: /^Notifications, [1-9]\d* unread$/ });
  await expect(button).toBeVisible();
  const before = Number((await button.getAttribute("aria-label"))?.match(/(\d+) unread/)?.[1]);
  await button.click();
  const list = page.getByRole("dialog", { name: "Notifications" });
  await expect(list.getByText("1 case pending transfer out to Shelbyville Public Schools").first()).toBeVisible();
  await accessible(page);
  await list.getByRole("button", { name: "Mark as read" }).first().click();
  await expect(page.getByRole("button", { name: `Notifications, ${before - 1} unread` })).toBeAttached();
  await list.getByRole("button", { name: "Open request" }).first().click();
  await expect(page.getByRole("heading", { name: "Transfer request to Shelbyville Public Schools" })).toBeVisible();
});
