// The Chatham House rule on a live page: its notice shown while the rule is on, and the
// whole page read again when a moderator switches it (names leave, or come back, from
// every part at once: the server sends each audience the snapshot it may read).
export function mountChatham(live) {
  const notices = document.querySelectorAll("[data-chatham-notice]");
  live.onSnapshot((snap) => {
    const on = Boolean(snap.consultation.chatham_house);
    notices.forEach((notice) => { notice.hidden = !on; });
  });
  live.on("chatham_house_set", () => {
    // The snapshot the page came with may name people: it is read once, and goes now.
    document.getElementById("bz-snapshot")?.remove();
    live.refresh();
  });
}
