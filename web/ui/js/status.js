// The page-wide message line (role=status, aria-live): results of actions and errors, read
// out by screen readers without moving focus.

let timer = null;

/** Shows `message`; `kind` "error" stays until replaced, others fade after a while. */
export function show(message, kind = "ok", { focus = false } = {}) {
  const el = document.getElementById("status");
  clearTimeout(timer);
  el.className = kind === "error" ? "status error" : "status";
  el.textContent = message;
  if (focus) el.focus();
  if (kind !== "error") timer = setTimeout(() => clear(), 8000);
}

export function clear() {
  const el = document.getElementById("status");
  if (el) el.textContent = "";
}
