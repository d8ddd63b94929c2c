// "Copy" buttons. The Clipboard API needs a secure context (HTTPS or localhost); elsewhere the
// text is selected so the person can press Ctrl+C.

import { h } from "./dom.js";
import * as status from "./status.js";

/** A button that copies `text`; `what` names it for screen readers ("Copy secret key"). */
export function copyButton(text, what, target) {
  return h("button", {
    type: "button",
    class: "secondary small",
    "aria-label": `Copy ${what}`,
    onclick: async () => {
      try {
        await navigator.clipboard.writeText(text);
        status.show(`${what[0].toUpperCase()}${what.slice(1)} copied to the clipboard.`);
      } catch {
        if (target) {
          const range = document.createRange();
          range.selectNodeContents(target);
          const selection = window.getSelection();
          selection.removeAllRanges();
          selection.addRange(range);
        }
        status.show("Copying is blocked here: the text is selected, press Ctrl+C.", "error");
      }
    },
  }, "Copy");
}
