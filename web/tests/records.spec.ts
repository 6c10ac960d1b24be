// Records requests and the law's clock (issue 19): a coordinator sets Florida's rule with a winter
// break, receives a request the day before it and sees it due after it; fulfils it with two cases that
// arrive through the code flow; declines another with "no records"; sees an overdue one flagged and
// reminded once. Every date is computed from today, in the district's time zone.
import { test, expect, signIn, signOut, accessible, shownCode, importFile, acceptWithTransferInfo, type Portal } from "./portal";
import type { Page } from "@playwright/test";

/** Today in a time zone, as YYYY-MM-DD, and a day `n` days from it. */
function localDay(tz: string, n = 0): string {
  const today = new Intl.DateTimeFormat("en-CA", { timeZone: tz, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date());
  const d = new Date(`${today}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** The n-th weekday after `from` (YYYY-MM-DD), skipping days in `skip`. */
function nthWeekdayAfter(from: string, n: number, skip: Set<string>): string {
  const d = new Date(`${from}T12:00:00Z`);
  while (n > 0) {
    d.setUTCDate(d.getUTCDate() + 1);
    const iso = d.toISOString().slice(0, 10);
    if (d.getUTCDay() !== 0 && d.getUTCDay() !== 6 && !skip.has(iso)) n -= 1;
  }
  return d.toISOString().slice(0, 10);
}

const shown = (iso: string) => new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeZone: "UTC" }).format(new Date(`${iso}T12:00:00Z`));

async function ask(page: Page, portal: Portal, first: string, last: string, dob?: string): Promise<void> {
  await page.goto(`${portal.url}/record-requests`);
  await page.getByRole("button", { name: "New records request" }).click();
  const dialog = page.getByRole("dialog", { name: "New records request" });
  await dialog.getByRole("combobox", { name: "District the student came from" }).fill("Springfield Unified");
  await dialog.getByRole("textbox", { name: "First name" }).fill(first);
  await dialog.getByRole("textbox", { name: "Last name" }).fill(last);
  if (dob) await dialog.getByLabel("Date of birth").fill(dob);
  await dialog.getByRole("button", { name: "Send request" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Records request to Springfield Unified" })).toBeVisible();
}

test("the law's clock: a winter break, a fulfilled request through the code, a declined one, an overdue one reminded once", async ({ page, portal }) => {
  test.setTimeout(90_000);
  // A second Springfield case of the same student: the request is answered with both.
  importFile(portal, {
    districts: [{ id: "d-springfield", name: "Springfield Unified", transfersEnabled: true }],
    cases: [{ id: "c-950", districtId: "d-springfield", caseNumber: "2026-0950", personOfConcern: { firstName: "Jordan", lastName: "Reyes", dateOfBirth: "2011-03-14" },
      building: "Lincoln Middle School", teamName: "Lincoln BTAM", teamLeader: "Dana Ortiz", caseManager: "Sam Lee", status: "open", openedAt: "2026-09-02T15:04:05Z", entries: [] }],
  });
  const tz = "America/Chicago";
  const breakFrom = localDay(tz, 1);
  const breakTo = localDay(tz, 14);
  const breakDays = new Set(Array.from({ length: 14 }, (_, i) => localDay(tz, i + 1)));
  const due = nthWeekdayAfter(localDay(tz), 3, breakDays);

  // Springfield's administrator: Florida's three school days, and a winter break from tomorrow.
  await signIn(page, portal, "Alice Ng");
  await page.getByRole("link", { name: "District Settings" }).click();
  await page.getByRole("combobox", { name: "Records rule" }).selectOption({ label: "Florida: 3 school days" });
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByRole("status")).toHaveText("Settings saved.");
  await page.getByRole("button", { name: "Add a range" }).click();
  await page.getByLabel("From, range 1").fill(breakFrom);
  await page.getByLabel("To, range 1").fill(breakTo);
  await page.getByRole("combobox", { name: "Kind, range 1" }).selectOption({ label: "Non-school day" });
  await page.getByRole("textbox", { name: "Name, range 1" }).fill("Winter break");
  await page.getByRole("button", { name: "Save calendar" }).click();
  await expect(page.getByRole("status")).toHaveText("Calendar saved.");
  await expect(page.getByText(`A request received now is due on ${shown(due)}.`)).toBeVisible();
  await accessible(page);
  await signOut(page);

  // Shelbyville asks: due after the break, on Springfield's clock.
  await signIn(page, portal, "Carol Diaz");
  await ask(page, portal, "Jordan", "Reyes", "2011-03-14");
  await expect(page.getByRole("definition").filter({ hasText: shown(due) })).toBeVisible();
  await expect(page.getByText(/due in \d+ school days?/)).toBeVisible();
  await accessible(page);
  await ask(page, portal, "Nobody", "Known");
  await signOut(page);

  // Springfield answers the first with its two cases, through the code flow.
  await signIn(page, portal, "Alice Ng");
  await expect(page.getByRole("link", { name: /^Records Requests, [1-9]\d* unread$/ })).toBeVisible({ timeout: 10_000 });
  await page.getByRole("link", { name: /^Records Requests/ }).click();
  const incoming = page.getByRole("region", { name: "Incoming Records Requests" });
  await expect(incoming.getByRole("row", { name: /Reyes, Jordan/ })).toContainText(shown(due));
  await accessible(page);
  await incoming.getByRole("row", { name: /Reyes, Jordan/ }).getByRole("link", { name: /^Details/ }).click();
  await expect(page.getByRole("checkbox", { name: /^Case 2026-0001: Jordan Reyes/ })).toBeChecked();
  await expect(page.getByRole("checkbox", { name: /^Case 2026-0950: Jordan Reyes/ })).toBeChecked();
  await page.getByRole("button", { name: "Send records" }).click();
  const transfer = page.getByRole("dialog", { name: "Transfer to District" });
  await expect(transfer.getByText("In answer to the records request of Shelbyville Public Schools.")).toBeVisible();
  await expect(transfer.getByText("2 cases selected: 2026-0001, 2026-0950")).toBeVisible();
  await transfer.getByRole("button", { name: "Transfer" }).click();
  const code = await shownCode(page);
  await transfer.getByRole("button", { name: "Done" }).click();
  await expect(page.getByRole("definition").filter({ hasText: /^Fulfilled/ })).toBeVisible();
  // The other: no records.
  await page.getByRole("link", { name: /^Records Requests/ }).click();
  await incoming.getByRole("row", { name: /Known, Nobody/ }).getByRole("link", { name: /^Details/ }).click();
  await page.getByRole("button", { name: "Decline" }).click();
  const decline = page.getByRole("dialog", { name: "Decline records request" });
  await decline.getByRole("combobox", { name: "Reason" }).selectOption({ label: "No records" });
  await decline.getByRole("button", { name: "Decline request" }).click();
  await expect(page.getByRole("definition").filter({ hasText: "Declined: No records" })).toBeVisible();
  await signOut(page);

  // Shelbyville accepts the two cases with the code; its outgoing request reads fulfilled.
  await signIn(page, portal, "Carol Diaz");
  await acceptWithTransferInfo(page, code, ["2026-0001", "2026-0950"]);
  await page.getByRole("link", { name: /^Records Requests/ }).click();
  const outgoing = page.getByRole("region", { name: "Outgoing Records Requests" });
  await expect(outgoing.getByRole("row", { name: /Reyes, Jordan/ })).toContainText("Fulfilled");
  await expect(outgoing.getByRole("row", { name: /Known, Nobody/ })).toContainText("Declined");

  // A third goes unanswered past its due date: flagged, and reminded once.
  await ask(page, portal, "Late", "Answer");
  const moved = await page.request.post(`${portal.url}/local/clock`, { data: { advanceHours: 24 * 40 } });
  expect(moved.status()).toBe(200);
  await page.goto(`${portal.url}/record-requests`);
  await outgoing.getByRole("checkbox", { name: "Only overdue" }).check();
  const late = outgoing.getByRole("row", { name: /Answer, Late/ });
  await expect(late).toContainText(/overdue by \d+ school days/, { timeout: 10_000 });
  await late.getByRole("link", { name: /^Details/ }).click();
  const history = page.getByRole("list").filter({ hasText: "Created" });
  await expect(async () => {
    await page.reload();
    await expect(history.getByText(/Overdue by District Transfer Portal/)).toHaveCount(1, { timeout: 500 });
  }).toPass({ timeout: 15_000 });
  await expect(history.getByText(/Due soon by District Transfer Portal/)).toHaveCount(1);
  // More sweeps, no more reminders.
  await page.waitForTimeout(2_500);
  await page.reload();
  await expect(history.getByText(/Overdue by District Transfer Portal/)).toHaveCount(1);
  await accessible(page);
});
