// Input made before the page's part is mounted. The page shows its controls before
// its scripts have loaded (on a slow link, a second or more): until the part's
// listeners are there, a tap on a button would be lost and a form would submit
// natively — a GET that reloads the page, the text typed lost. Both are held here
// and replayed, in order, once the part is mounted; if it never loads, dropped.
export function holdEarlyInput(mounted) {
  const held = [];
  const hold = (event) => {
    const target = event.type === "submit" ? event.target : event.target.closest?.("button");
    if (!target) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    held.push(target);
  };
  const release = () => {
    document.removeEventListener("click", hold, true);
    document.removeEventListener("submit", hold, true);
  };
  document.addEventListener("click", hold, true);
  document.addEventListener("submit", hold, true);
  const replay = () => {
    release();
    held.forEach((target) => (target instanceof HTMLFormElement ? target.requestSubmit() : target.click()));
  };
  // A task later: after what the mounting itself set off (the in-page snapshot applied).
  mounted.then(() => setTimeout(replay), release);
}
