// The moderators' invitations page: revoking an invitation is asked once more, in the
// page (core/confirm.js, the dialog templates/_confirm_dialog.html holds), before its
// form is sent. Without this script the form is sent at once.
import { confirmInPage } from "../core/confirm.js";
import { messages } from "../core/messages.js";

const t = messages("invitations");

document.querySelectorAll("form[data-revoke]").forEach((form) => {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const sure = await confirmInPage({
      title: t("revokeTitle", { name: form.dataset.name }),
      text: t("revokeText"),
      ok: t("revokeOk"),
      danger: true,
    });
    if (sure) form.submit();
  });
});
