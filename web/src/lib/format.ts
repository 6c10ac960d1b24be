// Dates and labels as staff read them.

const dateTime = new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeStyle: "short" });
const dateOnly = new Intl.DateTimeFormat("en-US", { dateStyle: "medium" });
const toTheSecond = new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeStyle: "medium" });

export function when(iso: string | null | undefined): string {
  return iso ? dateTime.format(new Date(iso)) : "";
}

/** To the second: what tells apart two requests sent in the same minute (a row's accessible names). */
export function exactly(iso: string | null | undefined): string {
  return iso ? toTheSecond.format(new Date(iso)) : "";
}

export function day(iso: string | null | undefined): string {
  return iso ? dateOnly.format(new Date(iso)) : "";
}

export function label(value: string): string {
  const s = value.replace(/_/g, " ");
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** A fresh Idempotency-Key: one per intended send, reused by its retries and double clicks. */
export function newKey(): string {
  return crypto.randomUUID();
}

type StudentRow = { lastName: string; firstName: string; sisId: string; dateOfBirth?: string; grade?: string; building?: string };

/** A student as staff tell two namesakes apart: name, SIS id, date of birth, grade and building. */
export function studentLabel(s: StudentRow): string {
  const facts = [s.sisId, s.dateOfBirth && `born ${s.dateOfBirth}`, s.grade && `grade ${s.grade}`, s.building];
  return `${s.lastName}, ${s.firstName} (${facts.filter(Boolean).join(", ")})`;
}

/** What an empty building, team, team leader or case manager reads as. */
export const UNASSIGNED = "Unassigned";

const UNITS: Record<string, [string, string]> = {
  calendar_days: ["day", "days"],
  working_days: ["working day", "working days"],
  school_days: ["school day", "school days"],
};

/** "due in 2 school days", "due today", "overdue by 3 working days": a request's clock as staff read it. */
export function dueText(d: { count: number; unit: string; today: boolean; overdue: boolean } | undefined | null): string {
  if (!d) return "no due date";
  const [one, many] = UNITS[d.unit] ?? ["day", "days"];
  const n = Math.abs(d.count);
  const days = `${n} ${n === 1 ? one : many}`;
  if (d.overdue) return n > 0 ? `overdue by ${days}` : "overdue";
  if (d.today) return "due today";
  return `due in ${days}`;
}
