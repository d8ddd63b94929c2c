// Builds DOM nodes. Every string becomes a text node (or a property), never markup: this is
// what keeps a user-typed name like <img src=x onerror=...> harmless. innerHTML is not used
// anywhere in the web interface.

/**
 * h("button", {class: "x", onclick: fn}, "Label", child...) → HTMLElement.
 * Attributes: `class`, `on<event>` (listener), `dataset` (object), boolean true/false
 * (present/absent), anything else via setAttribute. Children: strings, numbers, nodes,
 * arrays of them; null/undefined/false are skipped.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") {
      el.addEventListener(name.slice(2), value);
    } else if (name === "class") {
      el.className = value;
    } else if (name === "dataset") {
      Object.assign(el.dataset, value);
    } else if (name === "value" || name === "checked" || name === "selected") {
      el[name] = value;  // properties, so that later edits by the user are reflected
    } else if (value === true) {
      el.setAttribute(name, "");
    } else {
      el.setAttribute(name, String(value));
    }
  }
  append(el, children);
  return el;
}

function append(parent, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(parent, child);
    else if (child instanceof Node) parent.appendChild(child);
    else parent.appendChild(document.createTextNode(String(child)));
  }
}

/** Replaces the children of `el`. */
export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

let idCounter = 0;
/** A unique id for label/aria wiring. */
export function uid(prefix = "f") {
  idCounter += 1;
  return `${prefix}-${idCounter}`;
}

/** A labelled input: returns {field, input}. */
export function field(label, inputAttrs = {}, hint = null) {
  const id = inputAttrs.id || uid();
  const hintId = hint ? `${id}-hint` : null;
  const tag = inputAttrs.tag || "input";
  const attrs = { ...inputAttrs, id, "aria-describedby": hintId };
  delete attrs.tag;
  const input = h(tag, attrs);
  const hintEl = hint === null ? null : h("p", { class: "hint", id: hintId }, hint);
  const wrap = h("div", { class: "field" }, h("label", { for: id }, label), input, hintEl);
  return { field: wrap, input, hint: hintEl };
}

/** A labelled checkbox: returns {field, input}. */
export function checkbox(label, attrs = {}) {
  const id = attrs.id || uid();
  const input = h("input", { type: "checkbox", ...attrs, id });
  return { field: h("div", { class: "field checkbox" }, input, h("label", { for: id }, label)), input };
}
