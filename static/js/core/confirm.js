// A confirmation asked in the page (a <dialog data-confirm> the template holds), not
// window.confirm: it speaks the page's language, shows which action is destructive,
// and Escape or Cancel leaves everything as it was. Resolves true when confirmed.
export function confirmInPage({ title, text = "", ok, danger = false }) {
  const dialog = document.querySelector("dialog[data-confirm]");
  if (!dialog) return Promise.resolve(false);
  dialog.querySelector("[data-confirm-title]").textContent = title;
  const body = dialog.querySelector("[data-confirm-text]");
  body.textContent = text;
  body.hidden = !text;
  const okButton = dialog.querySelector("[data-confirm-ok]");
  okButton.textContent = ok;
  okButton.className = danger ? "danger" : "";
  const opener = document.activeElement;
  dialog.returnValue = "";
  dialog.showModal();
  dialog.querySelector("[data-confirm-cancel]").focus(); // the safe choice has the keyboard
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => {
      if (opener && opener.isConnected) opener.focus();
      resolve(dialog.returnValue === "ok");
    }, { once: true });
  });
}
