// The login page: username and password → POST /api/auth/login, then the page the person was
// going to. Tells apart wrong credentials (401) and throttling (429, with the wait).

import * as api from "../api.js";
import * as router from "../router.js";
import * as session from "../session.js";
import * as status from "../status.js";
import { field, h } from "../dom.js";

export function renderLogin(main, query, onLogin) {
  const next = router.safeTarget(query.get("next") || "/");
  if (session.user()) {
    router.navigate(next);
    return;
  }
  const username = field("Username", { name: "username", type: "text", autocomplete: "username", required: true });
  const password = field("Password", { name: "password", type: "password", autocomplete: "current-password", required: true });
  const error = h("p", { class: "error-text", id: "login-error", role: "alert" });
  const submit = h("button", { type: "submit" }, "Log in");
  const form = h("form", { "aria-describedby": "login-error", novalidate: true },
    username.field, password.field, error, submit);

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.textContent = "";
    if (!username.input.value || !password.input.value) {
      error.textContent = "Enter your username and password.";
      (username.input.value ? password.input : username.input).focus();
      return;
    }
    submit.disabled = true;
    try {
      const result = await api.request("POST", "/api/auth/login", {
        body: { username: username.input.value, password: password.input.value },
        quiet401: true,
      });
      session.start(result.csrfToken, result.user);
      status.clear();
      onLogin();
      router.navigate(next);
    } catch (e) {
      if (e instanceof api.ApiError && e.status === 401) {
        error.textContent = "Wrong username or password.";
      } else if (e instanceof api.ApiError && e.status === 429) {
        error.textContent = e.retryAfter
          ? `Too many failed attempts. Try again in ${e.retryAfter} seconds.`
          : "Too many failed attempts. Try again later.";
      } else {
        error.textContent = api.describe(e);
      }
      password.input.value = "";
      password.input.focus();
    } finally {
      submit.disabled = false;
    }
  });

  main.append(h("div", { class: "login card" }, h("h1", {}, "Log in to Ordo"), form));
  username.input.focus();
}
