// Modal dialogs on <dialog>: the browser traps focus inside and closes on Escape. After
// closing, focus goes back to the element that opened the dialog, or to a given fallback when
// that element has gone (a table re-rendered underneath).

import { h } from "./dom.js";

function restoreFocus(opener, fallback) {
  if (opener && opener.isConnected) opener.focus();
  else if (fallback && fallback.isConnected) fallback.focus();
  else document.getElementById("main").focus();
}

/**
 * Shows a dialog with `title`, `content` (nodes) and buttons; resolves with the value of the
 * button pressed, or null on Escape/Cancel. `onSubmit(form)` may return false to keep it open
 * (e.g. a field is invalid).
 */
export function open({ title, content = [], confirmLabel = "OK", danger = false, onSubmit, focusAfter }) {
  const opener = document.activeElement;
  return new Promise((resolve) => {
    const titleId = `dlg-${Date.now()}`;
    const form = h("form", { method: "dialog" },
      h("h2", { id: titleId }, title),
      content,
      h("div", { class: "form-actions" },
        h("button", { type: "button", class: "secondary", value: "cancel",
                      onclick: () => dialog.close("cancel") }, "Cancel"),
        h("button", { type: "submit", class: danger ? "danger" : "", value: "ok" }, confirmLabel)));
    const dialog = h("dialog", { "aria-labelledby": titleId }, form);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      if (onSubmit && onSubmit(form) === false) return;
      dialog.close("ok");
    });
    dialog.addEventListener("close", () => {
      const ok = dialog.returnValue === "ok";
      dialog.remove();
      restoreFocus(opener, focusAfter);
      resolve(ok ? form : null);
    });
    document.body.appendChild(dialog);
    dialog.showModal();
    // Start on the first field, or on Cancel for a plain confirmation so that Enter does not
    // delete by accident.
    const first = form.querySelector("input, select, textarea");
    (first || form.querySelector("button.secondary")).focus();
  });
}

/** A yes/no confirmation naming what is about to happen. Resolves true/false. */
export async function confirm(title, message, confirmLabel, { danger = true, focusAfter } = {}) {
  const result = await open({ title, content: [h("p", {}, message)], confirmLabel, danger, focusAfter });
  return result !== null;
}
