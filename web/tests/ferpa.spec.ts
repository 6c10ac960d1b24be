// FERPA, kept for the district (issue 20): Springfield's annual notice does not cover transfers and
// Shelbyville tells parents of records it receives. Alice sends a case, Carol accepts it; each side
// finds its parent notice on the Records worklist and closes it; Alice reads the case's disclosures,
// prints the parent's copy (print media, every entry) and downloads the export as CSV.
import { test, expect, signIn, signOut, accessible, sendFromRow, acceptWithTransferInfo } from "./portal";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Page } from "@playwright/test";

/** With SCREENSHOTS=1 (scripts/screenshots.sh), the screens of this flow into docs/screens/. */
async function shot(page: Page, name: string) {
  if (process.env.SCREENSHOTS) await page.screenshot({ path: join(resolve(import.meta.dirname, "..", "..", "docs", "screens"), `${name}.png`), fullPage: true });
}

async function setSwitch(page: Page, name: string, on: boolean) {
  await page.getByRole("link", { name: "District Settings" }).click();
  await page.getByRole("checkbox", { name }).setChecked(on);
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByRole("status")).toHaveText("Settings saved.");
}

/** The Records link once the deliverer has made the tasks (off the request path: it may take a moment). */
async function openRecords(page: Page, open: number) {
  await expect(async () => {
    await page.reload();
    await expect(page.getByRole("link", { name: `Records, ${open} parent notices open` })).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 15_000 });
  await page.getByRole("link", { name: /^Records,/ }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Records" })).toBeVisible();
}

test("the worklist, the case's disclosures, the parent's copy in print and the CSV export", async ({ page, portal }) => {
  test.setTimeout(90_000);
  await signIn(page, portal, "Carol Diaz");
  await setSwitch(page, "Tell parents when we receive a student's records", true);
  await signOut(page);
  await signIn(page, portal, "Alice Ng");
  await setSwitch(page, "Our annual notice says records are forwarded to schools where a student enrolls", false);
  const code = await sendFromRow(page, portal, "2026-0001");
  await signOut(page);

  // Carol accepts with the code: the first right code is the disclosure.
  await signIn(page, portal, "Carol Diaz");
  await acceptWithTransferInfo(page, code, ["2026-0001"]);
  // Shelbyville's own task: the case it received; not required, with the reason.
  await openRecords(page, 1);
  const mine = page.getByRole("row", { name: /Jordan Reyes/ });
  await expect(mine).toContainText("Received from Springfield Unified");
  await accessible(page);
  await mine.getByRole("button", { name: /^Not required: the parents of Jordan Reyes/ }).click();
  const why = page.getByRole("dialog", { name: "Not required: the parents of Jordan Reyes" });
  await why.getByRole("textbox", { name: "Why no notice is required" }).fill("The student is 18: the rights are the student's.");
  await why.getByRole("button", { name: "Not required" }).click();
  await expect(page.getByText("No parent notice is waiting.")).toBeVisible();
  await signOut(page);

  // Springfield's task: the disclosure; marked notified by phone today.
  await signIn(page, portal, "Alice Ng");
  await openRecords(page, 1);
  const task = page.getByRole("row", { name: /Jordan Reyes/ });
  await expect(task).toContainText("Disclosed to Shelbyville Public Schools");
  await task.getByRole("button", { name: /^Mark notified: the parents of Jordan Reyes/ }).click();
  const notified = page.getByRole("dialog", { name: "Mark notified: the parents of Jordan Reyes" });
  await notified.getByRole("combobox", { name: "How the parent was told" }).selectOption({ label: "Phone" });
  await notified.getByRole("textbox", { name: "Note" }).fill("Spoke with the mother.");
  await accessible(page);
  await shot(page, "19-records-mark-notified");
  await notified.getByRole("button", { name: "Mark notified" }).click();
  await expect(page.getByText("No parent notice is waiting.")).toBeVisible();
  await expect(page.getByRole("link", { name: "Records", exact: true })).toBeVisible();
  await page.getByRole("combobox", { name: "Show" }).selectOption({ label: "Notified" });
  await expect(page.getByRole("row", { name: /Jordan Reyes/ })).toContainText("by Alice Ng: phone on");

  // The export: one CSV file for the school year so far.
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download CSV" }).click()]);
  const csv = readFileSync((await download.path())!, "utf8");
  const lines = csv.trim().split("\n");
  expect(lines[0]).toContain("at,kind,caseId,caseNumber,partyId,partyName");
  expect(lines).toHaveLength(2);
  expect(lines[1]).toContain(",disclosure,c-1,2026-0001,d-shelbyville,Shelbyville Public Schools,");
  await expect(page.getByRole("status").filter({ hasText: "Downloaded 1 disclosure" })).toBeVisible();

  // The case's disclosures, and the parent's copy as it prints.
  await page.goto(`${portal.url}/cases/c-1`);
  const disclosures = page.getByRole("region", { name: "Disclosures" });
  const row = disclosures.getByRole("row", { name: /Shelbyville Public Schools/ });
  await expect(row).toContainText("Disclosed");
  await expect(row).toContainText("Carol Diaz");
  await expect(row).toContainText("34 CFR 99.31(a)(2)");
  await accessible(page);
  await disclosures.scrollIntoViewIfNeeded();
  await shot(page, "20-case-disclosures");
  await row.getByRole("link", { name: /^Parent's copy of the disclosure to Shelbyville Public Schools/ }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Parent's copy of a disclosed record" })).toBeVisible();
  const header = page.getByRole("region", { name: "The disclosure" });
  await expect(header).toContainText("Shelbyville Public Schools (the code was entered by Carol Diaz)");
  await expect(header).toContainText("34 CFR 99.31(a)(2): to a school where the student seeks or intends to enroll, or is enrolled");
  const entries = page.getByRole("region", { name: "Case 2026-0001 as disclosed" }).getByRole("listitem");
  await expect(entries).toHaveCount(7);
  await accessible(page);
  await page.emulateMedia({ media: "print" });
  await expect(page.getByRole("navigation", { name: "Main" })).toBeHidden();
  await expect(page.getByRole("button", { name: "Print" })).toBeHidden();
  await shot(page, "21-parent-copy-print");
  await expect(header).toBeVisible();
  await expect(entries).toHaveCount(7);
  for (const e of await entries.all()) await expect(e).toBeVisible();
  await page.emulateMedia({ media: "screen" });
});
