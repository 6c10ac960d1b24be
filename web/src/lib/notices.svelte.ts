// The district's open parent-notice tasks, counted for the navigation's badge on Records (a page of
// 100 at most: "100+" beyond).
import { api } from "./api";

export const notices = $state<{ open: number; more: boolean }>({ open: 0, more: false });

export async function refreshNotices(): Promise<void> {
  const { data } = await api.GET("/v1/parent-notices", { params: { query: { status: "open", limit: 100 } } });
  if (!data) return;
  notices.open = data.items.length;
  notices.more = Boolean(data.nextCursor);
}
