import { test, expect, signIn, signOut, accessible, shownCode, type Portal } from "./portal";
import type { Page } from "@playwright/test";

/** Alice sends cases to Shelbyville; returns the code she was shown. */
async function send(page: Page, portal: Portal, cases: string[]): Promise<string> {
  await signIn(page, portal, "Alice Ng");
  await page.goto(`${portal.url}/cases`);
  for (const c of cases) await page.getByRole("checkbox", { name: `Select case ${c}` }).check();
  await page.getByRole("button", { name: "Bulk Actions" }).click();
  await page.getByRole("menuitem", { name: "Transfer to District" }).click();
  const dialog = page.getByRole("dialog", { name: "Transfer to District" });
  await dialog.getByRole("combobox", { name: "District Name" }).selectOption({ label: "Shelbyville Public Schools" });
  await dialog.getByRole("button", { name: "Transfer" }).click();
  await expect(dialog.getByRole("heading", { name: "Authentication Code" })).toBeVisible();
  const code = await shownCode(page);
  await page.keyboard.press("Escape");
  await signOut(page);
  return code;
}

async function openAccept(page: Page) {
  const row = page.getByRole("region", { name: "Incoming Transfer Requests" }).getByRole("row", { name: /Springfield Unified/ });
  await row.getByRole("button", { name: "Accept" }).click();
  return page.getByRole("dialog", { name: "Accept transfer request" });
}

test("a wrong code shows the attempts left, five lock it, a new code works", async ({ page, portal }) => {
  const first = await send(page, portal, ["2026-0002"]);
  await signIn(page, portal, "Carol Diaz");
  let dialog = await openAccept(page);
  await accessible(page);
  for (let left = 4; left >= 1; left--) {
    await dialog.getByRole("textbox", { name: "Authentication Code" }).fill("WRONG-CODE1");
    await dialog.getByRole("button", { name: "Accept Transfer" }).click();
    await expect(dialog.getByRole("alert")).toContainText(`${left} ${left === 1 ? "attempt" : "attempts"} left`);
  }
  await dialog.getByRole("textbox", { name: "Authentication Code" }).fill("WRONG-CODE1");
  await dialog.getByRole("button", { name: "Accept Transfer" }).click();
  await expect(dialog.getByRole("alert")).toContainText("locked");
  await dialog.getByRole("textbox", { name: "Authentication Code" }).fill(first);
  await dialog.getByRole("button", { name: "Accept Transfer" }).click();
  await expect(dialog.getByRole("alert")).toContainText("The sending district must issue a new code");
  await page.keyboard.press("Escape");
  await signOut(page);

  await signIn(page, portal, "Alice Ng");
  const out = page.getByRole("region", { name: "Outgoing Transfer Requests" });
  await out.getByRole("row", { name: /Shelbyville/ }).getByRole("link", { name: "Details" }).click();
  await expect(page.getByText("locked: a new code is needed")).toBeVisible();
  await page.getByRole("button", { name: "New code" }).click();
  await expect(page.getByRole("heading", { name: "Authentication Code" })).toBeVisible();
  const fresh = await shownCode(page);
  expect(fresh).not.toBe(first);
  await accessible(page);
  await signOut(page);

  await signIn(page, portal, "Carol Diaz");
  dialog = await openAccept(page);
  await dialog.getByRole("textbox", { name: "Authentication Code" }).fill(fresh.toLowerCase());
  await dialog.getByRole("button", { name: "Accept Transfer" }).click();
  await expect(dialog.getByRole("group", { name: /Case 2026-0002/ })).toBeVisible();
});

test("each case decided on its own: a suggested student, a searched one confirmed, a decline; own staff assigned", async ({ page, portal }) => {
  const code = await send(page, portal, ["2026-0001", "2026-0002", "2026-0004"]);
  await signIn(page, portal, "Carol Diaz");
  const dialog = await openAccept(page);
  await dialog.getByRole("textbox", { name: "Authentication Code" }).fill(code);
  await dialog.getByRole("button", { name: "Accept Transfer" }).click();
  const save = dialog.getByRole("button", { name: "Save" });
  // The code form is gone: focus is on what replaced it, not on the page body.
  await expect(dialog.getByText(/^Decide each case on its own/)).toBeFocused();
  const reyes = dialog.getByRole("group", { name: /^Case 2026-0001/ });
  const mensah = dialog.getByRole("group", { name: /^Case 2026-0002/ });
  const nakamura = dialog.getByRole("group", { name: /^Case 2026-0004/ });
  // The person as sent, to decide on.
  const sent = reyes.getByRole("definition");
  await expect(sent.nth(0)).toHaveText("2011-03-14");
  await expect(sent.nth(2)).toHaveText("Springfield High School");
  await expect(save).toBeDisabled();

  // Jordan Reyes: the strong match first, the namesake born another day only possible.
  await reyes.getByRole("radio", { name: "Link to existing student" }).check();
  const students = reyes.getByRole("radiogroup", { name: "Student for case 2026-0001" });
  await expect(students.getByRole("radio").first()).toHaveAccessibleName(/Reyes, Jordan \(SIS-2001, born 2011-03-14, grade 8, Shelbyville Middle\) Strong match/);
  await expect(students.getByRole("radio").nth(1)).toHaveAccessibleName(/SIS-2002.*Possible match/);
  await students.getByRole("radio").first().check();
  await expect(reyes.getByRole("checkbox", { name: /I have checked/ })).toHaveCount(0);
  await reyes.getByRole("combobox", { name: "Team", exact: true }).fill("Shelbyville Threat Team");
  await reyes.getByRole("combobox", { name: "Case manager" }).fill("Carol Diaz");

  // Finley Mensah: nothing suggested; an empty search lists nobody; a searched student needs a check.
  await mensah.getByRole("radio", { name: "Link to existing student" }).check();
  await expect(mensah.getByText("No likely student in your SIS")).toBeVisible();
  await mensah.getByRole("button", { name: "Search" }).click();
  await expect(mensah.getByText("Type a name or SIS id to search.")).toBeVisible();
  await mensah.getByRole("searchbox", { name: "Search students for case 2026-0002" }).fill("Moreno");
  await mensah.getByRole("button", { name: "Search" }).click();
  await mensah.getByRole("radio", { name: /Moreno, Harper/ }).check();
  await nakamura.getByRole("radio", { name: "Decline this case" }).check();
  await nakamura.getByRole("textbox", { name: "Reason for declining case 2026-0004" }).fill("Never enrolled here");
  await expect(save).toBeDisabled();
  await mensah.getByRole("checkbox", { name: /I have checked that Harper Moreno \(SIS-1010\)/ }).check();
  await expect(save).toBeEnabled();
  await accessible(page);
  await save.click();

  await expect(dialog.getByRole("status")).toContainText("Accepted");
  await expect(dialog.getByText("1 declined case goes back to the sending district.")).toBeVisible();
  await expect(dialog.getByRole("button", { name: "Done" })).toBeFocused();
  const created = dialog.getByRole("listitem");
  await expect(created).toHaveCount(2);
  await expect(created.first()).toContainText(/Their case 2026-0001 is now case \d{4}-\d{4}/);
  await created.first().getByRole("link").click();
  await expect(page.getByRole("heading", { level: 1, name: /^Case \d{4}-\d{4}$/ })).toBeVisible();
  const facts = page.locator("dl.facts");
  await expect(facts).toContainText("(SIS id SIS-2001)");
  await expect(facts).not.toContainText("s-2001");
  await expect(facts).toContainText("Shelbyville Threat Team");
  await expect(facts.getByText("Unassigned")).toHaveCount(1);
  await expect(facts).toContainText(/at Springfield Unified: Springfield High School, /);
  await expect(page.getByRole("region", { name: "History" }).getByRole("listitem").first()).toBeVisible();
  await accessible(page);

  // Unassigned cases are found as such.
  await page.goto(`${portal.url}/cases`);
  await page.getByRole("checkbox", { name: "Only unassigned cases" }).check();
  await expect(page.getByRole("row", { name: /Unassigned/ })).toHaveCount(2);
  await signOut(page);

  await signIn(page, portal, "Alice Ng");
  await page.goto(`${portal.url}/cases`);
  await page.getByRole("searchbox", { name: "Search cases" }).fill("2026-0002");
  await expect(page.getByRole("row", { name: /2026-0002/ })).toContainText("Transferred out");
  await page.getByRole("link", { name: "2026-0002" }).click();
  await expect(page.getByText(/Shelbyville Public Schools as case \d{4}-\d{4}/)).toBeVisible();
  // The declined case is Springfield's again.
  await page.goto(`${portal.url}/cases`);
  await page.getByRole("searchbox", { name: "Search cases" }).fill("2026-0004");
  await expect(page.getByRole("row", { name: /2026-0004/ })).toContainText("Open");
});

test("reject and cancel end requests with their reasons", async ({ page, portal }) => {
  await send(page, portal, ["2026-0002"]);
  await signIn(page, portal, "Carol Diaz");
  const row = page.getByRole("region", { name: "Incoming Transfer Requests" }).getByRole("row", { name: /Springfield/ });
  await row.getByRole("button", { name: "Reject" }).click();
  const reject = page.getByRole("dialog", { name: "Reject transfer request" });
  await reject.getByRole("textbox", { name: "Reason" }).fill("Student did not enrol here.");
  await accessible(page);
  await reject.getByRole("button", { name: "Reject Transfer" }).click();
  await expect(row).toContainText("Rejected");
  await signOut(page);

  await send(page, portal, ["2026-0004"]);
  await signIn(page, portal, "Alice Ng");
  const outgoing = page.getByRole("region", { name: "Outgoing Transfer Requests" });
  await outgoing.getByRole("combobox", { name: "Status" }).selectOption("pending");
  await outgoing.getByRole("button", { name: "Cancel" }).click();
  const cancel = page.getByRole("dialog", { name: "Cancel transfer request" });
  await cancel.getByRole("textbox", { name: "Reason" }).fill("Sent by mistake.");
  await cancel.getByRole("button", { name: "Cancel Transfer" }).click();
  await expect(outgoing.getByText("No outgoing transfer requests with status pending.")).toBeVisible();
  await outgoing.getByRole("combobox", { name: "Status" }).selectOption("");
  await outgoing.getByRole("row", { name: /Shelbyville/ }).filter({ hasText: "Rejected" }).getByRole("link", { name: "Details" }).click();
  await expect(page.locator("dd", { hasText: "Student did not enrol here." })).toBeVisible();
  await expect(page.getByRole("heading", { name: "History of the request" })).toBeVisible();
  await expect(page.getByRole("listitem").filter({ hasText: "Rejected by Carol Diaz" })).toBeVisible();
});

test("an accept racing a cancel: one wins, the other sees the request's status", async ({ browser, portal }) => {
  const alice = await browser.newPage();
  const code = await send(alice, portal, ["2026-0002"]);
  await signIn(alice, portal, "Alice Ng");
  const carol = await (await browser.newContext()).newPage();
  await signIn(carol, portal, "Carol Diaz");
  const dialog = await openAccept(carol);
  await dialog.getByRole("textbox", { name: "Authentication Code" }).fill(code);
  await dialog.getByRole("button", { name: "Accept Transfer" }).click();
  await dialog.getByRole("radio", { name: "Use transfer info" }).check();
  // Alice cancels first; Carol's Save then loses and is told why.
  await alice.getByRole("region", { name: "Outgoing Transfer Requests" }).getByRole("button", { name: "Cancel" }).click();
  await alice.getByRole("dialog", { name: "Cancel transfer request" }).getByRole("button", { name: "Cancel Transfer" }).click();
  await expect(alice.getByRole("region", { name: "Outgoing Transfer Requests" })).toContainText("Cancelled");
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(dialog.getByRole("alert")).toContainText(/cancelled/i);
});
