import { test, expect, signIn, accessible, importFile } from "./portal";

test("search finds cases by each field, a word's start is enough", async ({ page, portal }) => {
  await signIn(page, portal, "Alice Ng");
  await page.getByRole("link", { name: "Cases" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Cases" })).toBeVisible();
  await accessible(page);
  const search = page.getByRole("searchbox", { name: "Search cases" });
  const rows = page.locator("tbody tr");
  for (const [q, expected] of [
    ["2026-0002", "2026-0002"], // case number
    ["finl", "2026-0002"], // person of concern
    ["evergreen", "2026-0003"], // building
    ["evergreen btam", "2026-0003"], // team name
    ["tom beck", "2026-0004"], // team leader
    ["luis garcia", "2026-0005"], // case manager
  ] as const) {
    await search.fill(q);
    await expect(rows.first().getByRole("rowheader")).toHaveText(expected);
  }
  await search.fill("zzzz-nobody");
  await expect(page.getByText("No cases match.")).toBeVisible();
});

test("more than 25 cases page with Load more and cannot go in one transfer", async ({ page, portal }) => {
  const cases = Array.from({ length: 30 }, (_, i) => ({
    id: `c-bulk-${i}`, districtId: "d-springfield", caseNumber: `2026-${String(500 + i).padStart(4, "0")}`,
    personOfConcern: { firstName: "Bulk", lastName: `Case${i}` }, building: "Annex", teamName: "Annex BTAM",
    teamLeader: "Pat Doe", caseManager: "Pat Doe", status: "open", openedAt: "2026-09-01T00:00:00Z", entries: [],
  }));
  importFile(portal, { districts: [{ id: "d-springfield", name: "Springfield Unified", transfersEnabled: true }], cases });
  await signIn(page, portal, "Alice Ng");
  await page.goto(`${portal.url}/cases`);
  await page.getByRole("searchbox", { name: "Search cases" }).fill("annex");
  await expect(page.locator("tbody tr").first()).toContainText("Bulk Case0");
  await expect(page.locator("tbody tr")).toHaveCount(25);
  await page.getByRole("button", { name: "Load more" }).click();
  await expect(page.locator("tbody tr")).toHaveCount(30);
  for (let i = 0; i < 26; i++) {
    await page.getByRole("checkbox", { name: `Select case 2026-${String(500 + i).padStart(4, "0")}` }).check();
  }
  await expect(page.getByText("26 selected (at most 25 in one transfer)")).toBeVisible();
  await page.getByRole("button", { name: "Bulk Actions" }).click();
  await page.getByRole("menuitem", { name: "Transfer to District" }).click();
  const dialog = page.getByRole("dialog", { name: "Transfer to District" });
  await expect(dialog.getByRole("combobox", { name: "District Name" }).getByRole("option")).toHaveCount(2);
  await expect(dialog.getByRole("alert")).toHaveText(/^At most 25 cases/);
  await expect(dialog.getByRole("button", { name: "Transfer" })).toBeDisabled();
});
