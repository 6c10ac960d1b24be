// The signed-in user's notifications, read by the Notifications button and by the navigation's badge
// on Records Requests (the unread notices about records requests).
import { api, explain, type Schemas } from "./api";

export const inbox = $state<{ items: Schemas["Notification"][]; unread: number; recordsUnread: number; error: string }>({
  items: [],
  unread: 0,
  recordsUnread: 0,
  error: "",
});

export async function refreshInbox(): Promise<void> {
  const { data, error } = await api.GET("/v1/notifications", { params: { query: { limit: 50 } } });
  if (!data) {
    inbox.error = explain(error);
    return;
  }
  inbox.error = "";
  inbox.items = data.items;
  inbox.unread = data.unreadCount;
  inbox.recordsUnread = data.items.filter((n) => !n.readAt && n.recordRequestId).length;
}
